//! `port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...]`
//!
//! Examples:
//!   # Local ports 5000 and 6000 to the same ports of pod mypod
//!   kuddle port-forward pod/mypod 5000 6000
//!
//!   # The same for a pod of deployment mydeployment
//!   kuddle port-forward deployment/mydeployment 5000 6000
//!
//!   # Local port 8443 to the port named https of service myservice's pod
//!   kuddle port-forward service/myservice 8443:https
//!
//!   # Local port 8888 to the pod's port 5000
//!   kuddle port-forward pod/mypod 8888:5000
//!
//!   # On every address of the machine
//!   kuddle port-forward --address 0.0.0.0 pod/mypod 8888:5000
//!
//!   # On localhost and one chosen address
//!   kuddle port-forward --address localhost,10.19.21.23 pod/mypod 8888:5000
//!
//!   # A random local port to the pod's port 5000
//!   kuddle port-forward pod/mypod :5000
//!
//! As kubectl: one SPDY connection to the pod, tunnelled through a
//! WebSocket (a plain SPDY upgrade when that is refused, or when
//! `KUBECTL_PORT_FORWARD_WEBSOCKETS=false`), and a pair of streams on it
//! for each local connection. Ctrl-C stops forwarding.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::client::stream::portforward;
use crate::client::stream::spdy;
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{go_duration, go_quote};
use crate::resource::mapper::path_escape;
use crate::resource::pods;

/// Forward local ports to a pod.
#[derive(Args, Debug)]
pub struct PortForwardArgs {
    /// TYPE/NAME (or a pod's NAME), then [LOCAL_PORT:]REMOTE_PORT for each port.
    #[arg(value_name = "TYPE/NAME")]
    pub args: Vec<String>,

    /// Addresses to listen on, comma-separated: IP addresses, or localhost (127.0.0.1 and ::1; either may fail, not both).
    #[arg(long = "address", value_name = "ADDRESSES", value_delimiter = ',', action = ArgAction::Append,
          default_value = "localhost")]
    pub address: Vec<String>,

    /// How long to wait for a pod of TYPE/NAME to be running (more than zero).
    #[arg(long = "pod-running-timeout", value_name = "DURATION", default_value = "1m0s",
          allow_hyphen_values = true, value_parser = go_duration)]
    pub pod_running_timeout: i64,
}

/// A local port and the pod's port it leads to (`Local` 0: any free port).
#[derive(Debug, Clone, Copy, PartialEq)]
struct ForwardedPort {
    local: u16,
    remote: u16,
}

/// One address to listen on, and whether its failure may be made up for
/// by its sibling (`localhost`'s two) or fails the port.
#[derive(Debug, Clone, PartialEq)]
struct ListenAddress {
    address: String,
    ipv4: bool,
    any_may_fail: bool,
}

/// What the connection tasks report to the one place that writes.
enum Event {
    Handling(u16),
    /// The node's error for one connection: forwarding ends.
    Lost {
        port: ForwardedPort,
        message: String,
    },
}

pub async fn run(ctx: &mut Context, args: PortForwardArgs) -> Result<()> {
    // complete
    if args.args.len() < 2 {
        return Err(CliError::usage(
            "TYPE/NAME and list of ports are required for port-forward",
            ctx.cmd_path.clone(),
        ));
    }
    let (namespace, _) = ctx.namespace()?;
    if args.pod_running_timeout <= 0 {
        return Err(CliError::usage(
            "--pod-running-timeout must be higher than zero",
            ctx.cmd_path.clone(),
        ));
    }
    let timeout = Duration::from_nanos(args.pod_running_timeout.unsigned_abs());
    let resource = &args.args[0];
    let words = if resource.contains('/') {
        vec![resource.clone()]
    } else {
        vec![format!("pods/{resource}")]
    };
    let object = pods::named_object(ctx, &words, &namespace).await?;
    let client = ctx.connection().await?.client.clone();
    let pod = pods::attachable_pod_for_object(&client, object.clone(), timeout).await?;
    let requested = &args.args[1..];
    let is_service = object.get("kind").and_then(Value::as_str) == Some("Service")
        && object.get("apiVersion").and_then(Value::as_str) == Some("v1");
    let ports = if is_service {
        check_udp(requested, &service_protocols(&object), &|name| {
            service_port_by_name(&object, name)
        })?;
        translate_service_ports(requested, &object, &pod)?
    } else {
        check_udp(requested, &pod_protocols(&pod), &|name| {
            container_port_by_name(&pod, name)
        })?;
        convert_named_ports(requested, &pod)?
    };
    let (pod_name, _) = pods::pod_name(&pod);
    let pod_name = pod_name.to_string();

    // run
    let path = format!(
        "/api/v1/namespaces/{}/pods/{}",
        path_escape(&namespace),
        path_escape(&pod_name)
    );
    let current: Value = client.get_json(&path).await?;
    let phase = current
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if phase != "Running" {
        bail!("unable to forward port because pod is not running. Current status={phase}");
    }
    let addresses = parse_addresses(&args.address)?;
    let mut ports = parse_ports(&ports)?;
    // As kubectl, the connection is made before anything listens: a
    // refused upgrade (a forbidden user) ends it there.
    let forward_path = format!("{path}/portforward");
    let conn = match client.dial_port_forward(&forward_path).await? {
        Ok(conn) => conn,
        Err(message) => bail!("{message}"),
    };
    let request_ids = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));

    let (events_tx, mut events) = mpsc::unbounded_channel::<Event>();
    let mut listening = false;
    for port in ports.iter_mut() {
        let mut failures: Vec<String> = Vec::new();
        let (mut all_ok, mut all_failed, mut any_failed) = (0, 0, 0);
        for addr in &addresses {
            match listen(addr, port).await {
                Ok(listener) => {
                    writeln!(
                        ctx.out,
                        "Forwarding from {} -> {}",
                        join_host_port(&addr.address, port.local),
                        port.remote
                    )?;
                    ctx.out.flush()?;
                    if !addr.any_may_fail {
                        all_ok += 1;
                    }
                    tokio::spawn(accept_loop(
                        listener,
                        *port,
                        conn.clone(),
                        request_ids.clone(),
                        events_tx.clone(),
                    ));
                }
                Err(e) => {
                    failures.push(e);
                    if addr.any_may_fail {
                        any_failed += 1;
                    } else {
                        all_failed += 1;
                    }
                }
            }
        }
        if (all_ok == 0 && all_failed > 0) || any_failed > 0 {
            writeln!(
                ctx.err,
                "Unable to listen on port {}: Listeners failed to create with the following errors: [{}]",
                port.local,
                failures.join(" ")
            )?;
        } else {
            listening = true;
        }
    }
    if !listening {
        let list: Vec<String> = ports
            .iter()
            .map(|p| format!("{{{} {}}}", p.local, p.remote))
            .collect();
        bail!(
            "unable to listen on any of the requested ports: [{}]",
            list.join(" ")
        );
    }
    drop(events_tx);
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    loop {
        tokio::select! {
            _ = interrupt.recv() => {
                conn.close().await;
                return Ok(());
            }
            _ = conn.closed() => bail!("lost connection to pod"),
            event = events.recv() => match event {
                Some(Event::Handling(port)) => {
                    writeln!(ctx.out, "Handling connection for {port}")?;
                    ctx.out.flush()?;
                }
                Some(Event::Lost { port, message }) => {
                    crate::context::klog_error(
                        &mut ctx.err,
                        "portforward.go:549",
                        &format!(
                            "\"An error occurred forwarding\" err={} localPort={} remotePort={}",
                            go_quote(&message),
                            port.local,
                            port.remote
                        ),
                    );
                    bail!("lost connection to pod");
                }
                None => return Ok(()),
            }
        }
    }
}

async fn listen(addr: &ListenAddress, port: &mut ForwardedPort) -> Result<TcpListener, String> {
    let ip: IpAddr = addr
        .address
        .parse()
        .map_err(|_| format!("{} is not a valid IP", addr.address))?;
    let net = if addr.ipv4 { "tcp4" } else { "tcp6" };
    let wanted = SocketAddr::new(ip, port.local);
    let listener = TcpListener::bind(wanted).await.map_err(|e| {
        format!(
            "unable to create listener: Error listen {net} {}: bind: {}",
            join_host_port(&addr.address, port.local),
            go_errno_text(&e)
        )
    })?;
    if let Ok(local) = listener.local_addr() {
        port.local = local.port();
    }
    Ok(listener)
}

/// Go's wording of a bind failure.
fn go_errno_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => "address already in use".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::AddrNotAvailable => "cannot assign requested address".into(),
        _ => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            text.to_lowercase()
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    port: ForwardedPort,
    conn: spdy::Connection,
    request_ids: std::sync::Arc<std::sync::atomic::AtomicU64>,
    events: mpsc::UnboundedSender<Event>,
) {
    while let Ok((local, _)) = listener.accept().await {
        if events.send(Event::Handling(port.local)).is_err() {
            return;
        }
        let id = request_ids.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (conn, events) = (conn.clone(), events.clone());
        tokio::spawn(async move {
            // A stream the server would not open is given up, as kubectl
            // does; the node's error ends forwarding.
            if let Ok(Some(message)) = portforward::forward(&conn, id, port.remote, local).await {
                let _ = events.send(Event::Lost { port, message });
            }
        });
    }
}

/// `host:port`, IPv6 addresses in brackets (Go's `net.JoinHostPort`).
fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `[LOCAL:]REMOTE` split as kubectl splits it: anything but exactly one
/// colon makes the first part both.
fn split_port(port: &str) -> (&str, &str) {
    let parts: Vec<&str> = port.split(':').collect();
    if parts.len() == 2 {
        (parts[0], parts[1])
    } else {
        (parts[0], parts[0])
    }
}

/// Go's `strconv.Atoi` for what it accepts (an optional sign, digits).
fn atoi(text: &str) -> Option<i64> {
    text.parse::<i64>().ok()
}

fn container_ports(pod: &Value, list: &str) -> Vec<Value> {
    pod.pointer(&format!("/spec/{list}"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|c| {
            c.get("ports")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// `util.LookupContainerPortNumberByName`: containers, then init containers.
fn container_port_by_name(pod: &Value, name: &str) -> Result<i64> {
    container_ports(pod, "containers")
        .into_iter()
        .chain(container_ports(pod, "initContainers"))
        .find(|p| p.get("name").and_then(Value::as_str).unwrap_or_default() == name)
        .and_then(|p| p.get("containerPort").and_then(Value::as_i64))
        .ok_or_else(|| {
            anyhow!(
                "Pod '{}' does not have a named port '{name}'",
                pods::pod_name(pod).0
            )
        })
}

fn service_ports(svc: &Value) -> Vec<Value> {
    svc.pointer("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// `util.LookupServicePortNumberByName`.
fn service_port_by_name(svc: &Value, name: &str) -> Result<i64> {
    service_ports(svc)
        .into_iter()
        .find(|p| p.get("name").and_then(Value::as_str).unwrap_or_default() == name)
        .and_then(|p| p.get("port").and_then(Value::as_i64))
        .ok_or_else(|| {
            anyhow!(
                "Service '{}' does not have a named port '{name}'",
                pods::pod_name(svc).0
            )
        })
}

/// Port numbers by protocol: (UDP, TCP). A protocol left out counts as
/// neither, as in kubectl's check.
fn protocols(ports: &[Value], number: &str) -> (Vec<i64>, Vec<i64>) {
    let mut udp = Vec::new();
    let mut tcp = Vec::new();
    for p in ports {
        let n = p.get(number).and_then(Value::as_i64).unwrap_or(0);
        match p.get("protocol").and_then(Value::as_str) {
            Some("UDP") => udp.push(n),
            Some("TCP") => tcp.push(n),
            _ => {}
        }
    }
    (udp, tcp)
}

fn service_protocols(svc: &Value) -> (Vec<i64>, Vec<i64>) {
    protocols(&service_ports(svc), "port")
}

fn pod_protocols(pod: &Value) -> (Vec<i64>, Vec<i64>) {
    protocols(&container_ports(pod, "containers"), "containerPort")
}

/// kubectl refuses a remote port that is UDP only.
fn check_udp(
    requested: &[String],
    (udp, tcp): &(Vec<i64>, Vec<i64>),
    by_name: &dyn Fn(&str) -> Result<i64>,
) -> Result<()> {
    for port in requested {
        let (_, remote) = split_port(port);
        let number = match atoi(remote) {
            Some(n) => n,
            None => by_name(remote)?,
        };
        if udp.contains(&number) && !tcp.contains(&number) {
            bail!("UDP protocol is not supported for {remote}");
        }
    }
    Ok(())
}

/// Named remote ports of the pod as numbers (`convertPodNamedPortToNumber`).
fn convert_named_ports(requested: &[String], pod: &Value) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for port in requested {
        let (local, remote) = split_port(port);
        if remote.is_empty() {
            bail!("remote port cannot be empty");
        }
        let number = match atoi(remote) {
            Some(_) => remote.to_string(),
            None => container_port_by_name(pod, remote)?.to_string(),
        };
        if local != remote {
            out.push(format!("{local}:{number}"));
        } else {
            out.push(number);
        }
    }
    Ok(out)
}

/// A service's ports as the pod's (`translateServicePortToTargetPort`).
fn translate_service_ports(requested: &[String], svc: &Value, pod: &Value) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for port in requested {
        let (local, remote) = split_port(port);
        let mut local = local.to_string();
        let number = match atoi(remote) {
            Some(n) => n,
            None => {
                let n = service_port_by_name(svc, remote)?;
                if local == remote {
                    local = n.to_string();
                }
                n
            }
        };
        let target = target_port(svc, pod, number)?.to_string();
        if local != target {
            out.push(format!("{local}:{target}"));
        } else {
            out.push(target);
        }
    }
    Ok(out)
}

/// `util.LookupContainerPortNumberByServicePort`.
fn target_port(svc: &Value, pod: &Value, port: i64) -> Result<i64> {
    for spec in service_ports(svc) {
        if spec.get("port").and_then(Value::as_i64) != Some(port) {
            continue;
        }
        if svc.pointer("/spec/clusterIP").and_then(Value::as_str) == Some("None") {
            return Ok(port);
        }
        return match spec.get("targetPort") {
            Some(Value::String(name)) => container_port_by_name(pod, name),
            Some(v) => match v.as_i64().unwrap_or(0) {
                0 => Ok(port),
                n => Ok(n),
            },
            None => Ok(port),
        };
    }
    bail!(
        "Service {} does not have a service port {port}",
        pods::pod_name(svc).0
    )
}

/// client-go's `parseAddresses`: `localhost` is 127.0.0.1 and ::1 (one may
/// fail), other addresses must be IPs (and must all work); sorted.
fn parse_addresses(addresses: &[String]) -> Result<Vec<ListenAddress>> {
    let mut parsed: Vec<ListenAddress> = Vec::new();
    let mut put = |a: ListenAddress, keep_existing: bool| match parsed
        .iter_mut()
        .find(|p| p.address == a.address)
    {
        Some(_) if keep_existing => {}
        Some(p) => *p = a,
        None => parsed.push(a),
    };
    for address in addresses {
        if address == "localhost" {
            for (ip, ipv4) in [("127.0.0.1", true), ("::1", false)] {
                put(
                    ListenAddress {
                        address: ip.into(),
                        ipv4,
                        any_may_fail: false,
                    },
                    true,
                );
            }
            continue;
        }
        match address.parse::<IpAddr>() {
            Ok(ip) => {
                let ipv4 = match ip {
                    IpAddr::V4(_) => true,
                    IpAddr::V6(v6) => v6.to_ipv4_mapped().is_some(),
                };
                put(
                    ListenAddress {
                        address: address.clone(),
                        ipv4,
                        any_may_fail: true,
                    },
                    false,
                );
            }
            Err(_) => bail!("{address} is not a valid IP"),
        }
    }
    parsed.sort_by(|a, b| a.address.cmp(&b.address));
    Ok(parsed)
}

/// Go's `strconv.ParseUint(text, 10, 16)` with its error's words.
fn parse_u16(text: &str) -> Result<u16, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseUint: parsing {}: invalid syntax",
            go_quote(text)
        ));
    }
    text.parse::<u16>().map_err(|_| {
        format!(
            "strconv.ParseUint: parsing {}: value out of range",
            go_quote(text)
        )
    })
}

/// client-go's `parsePorts`.
fn parse_ports(ports: &[String]) -> Result<Vec<ForwardedPort>> {
    let mut out = Vec::new();
    for port in ports {
        let parts: Vec<&str> = port.split(':').collect();
        let (local, remote) = match parts.as_slice() {
            [one] => (*one, *one),
            [l, r] => (if l.is_empty() { "0" } else { *l }, *r),
            _ => bail!("invalid port format '{port}'"),
        };
        let local =
            parse_u16(local).map_err(|e| anyhow!("error parsing local port '{local}': {e}"))?;
        let remote =
            parse_u16(remote).map_err(|e| anyhow!("error parsing remote port '{remote}': {e}"))?;
        if remote == 0 {
            bail!("remote port must be > 0");
        }
        out.push(ForwardedPort { local, remote });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ports_as_client_go_parses_them() {
        assert_eq!(
            parse_ports(&words(&["8080:80", ":5000", "9"])).unwrap(),
            vec![
                ForwardedPort {
                    local: 8080,
                    remote: 80
                },
                ForwardedPort {
                    local: 0,
                    remote: 5000
                },
                ForwardedPort {
                    local: 9,
                    remote: 9
                }
            ]
        );
        assert_eq!(
            parse_ports(&words(&["70000"])).unwrap_err().to_string(),
            "error parsing local port '70000': strconv.ParseUint: parsing \"70000\": value out of range"
        );
        assert_eq!(
            parse_ports(&words(&["1:2:3"])).unwrap_err().to_string(),
            "invalid port format '1:2:3'"
        );
        assert_eq!(
            parse_ports(&words(&["0"])).unwrap_err().to_string(),
            "remote port must be > 0"
        );
    }

    #[test]
    fn addresses_sorted_and_localhost_is_two() {
        let parsed = parse_addresses(&words(&["localhost", "0.0.0.0"])).unwrap();
        let names: Vec<&str> = parsed.iter().map(|a| a.address.as_str()).collect();
        assert_eq!(names, ["0.0.0.0", "127.0.0.1", "::1"]);
        assert!(parse_addresses(&words(&["bad"])).is_err());
    }

    #[test]
    fn service_ports_become_the_pods() {
        let svc = json!({"metadata": {"name": "s"}, "spec": {"ports": [
            {"name": "web", "port": 80, "targetPort": "http"},
            {"name": "plain", "port": 81, "targetPort": 8000}]}});
        let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [
            {"name": "c", "ports": [{"name": "http", "containerPort": 8000}]}]}});
        assert_eq!(
            translate_service_ports(&words(&["80", "web", "9:81"]), &svc, &pod).unwrap(),
            words(&["80:8000", "80:8000", "9:8000"])
        );
        assert_eq!(
            translate_service_ports(&words(&["99"]), &svc, &pod)
                .unwrap_err()
                .to_string(),
            "Service s does not have a service port 99"
        );
        assert_eq!(
            convert_named_ports(&words(&["http", "1:http", "5"]), &pod).unwrap(),
            words(&["8000", "1:8000", "5"])
        );
    }
}
