//! kubectl's describers: pure functions from an object (as decoded JSON)
//! and the related objects it needs (events, pods of a controller, …) to
//! the text `kubectl describe` prints. Kinds without a dedicated describer
//! get the generic one.
//!
//! Each describer has two halves: `queries` says which related objects it
//! needs (so the verb can fetch them, one request per collection however
//! many objects are described), `describe` renders from the answers.

pub mod events;
pub mod format;
pub mod generic;
pub mod json;
pub mod pod_summary;
pub mod related;
pub mod writer;

mod config;
mod csr;
mod hpa;
mod ingress;
mod namespace;
mod networking;
mod node;
mod pod;
mod policy;
mod rbac;
mod resources;
mod service;
mod storage;
mod volumes;
mod workloads;

use chrono::{DateTime, Utc};
use serde_json::Value;

pub use related::{Answer, Failure, ItemKind, Query, Related};
pub use workloads::{deployment_replica_sets, equal_ignore_hash};

/// kubectl's `DescribePodTemplate` written straight into a buffer, tabs
/// unaligned (`rollout history --revision` and `rollout undo
/// --dry-run=client` print templates so).
pub fn pod_template_text(template: &Value) -> String {
    let mut w = writer::PrefixWriter::unaligned();
    pod::describe_pod_template(template, &mut w);
    w.finish()
}

/// What every describer is told besides the object.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Whether to show (and fetch) events.
    pub show_events: bool,
    /// The moment ages are computed against.
    pub now: DateTime<Utc>,
}

/// Why a description could not be made: kubectl prints the message as the
/// command's error.
#[derive(Debug, Clone, PartialEq)]
pub enum DescribeError {
    /// A request for related objects failed.
    Request(Failure),
    /// Anything else (`error: …`).
    Message(String),
}

impl DescribeError {
    /// The line kubectl prints for it.
    pub fn kubectl_message(&self) -> String {
        match self {
            DescribeError::Request(f) => f.kubectl.clone(),
            DescribeError::Message(m) => m.clone(),
        }
    }

    /// Go's `err.Error()`.
    pub fn plain(&self) -> String {
        match self {
            DescribeError::Request(f) => f.message.clone(),
            DescribeError::Message(m) => m.clone(),
        }
    }
}

/// The describer kubectl picks for a group and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Describer {
    Pod,
    ReplicationController,
    Secret,
    Service,
    ServiceAccount,
    Node,
    LimitRange,
    ResourceQuota,
    PersistentVolume,
    PersistentVolumeClaim,
    Namespace,
    Endpoints,
    ConfigMap,
    PriorityClass,
    EndpointSlice,
    HorizontalPodAutoscaler,
    Ingress,
    IngressClass,
    ServiceCidr,
    IpAddress,
    Job,
    CronJob,
    StatefulSet,
    Deployment,
    DaemonSet,
    ReplicaSet,
    StorageClass,
    CsiNode,
    VolumeAttributesClass,
    PodDisruptionBudget,
    Role,
    ClusterRole,
    RoleBinding,
    ClusterRoleBinding,
    NetworkPolicy,
    CertificateSigningRequest,
    /// Everything else, custom resources included.
    Generic,
}

impl Describer {
    /// kubectl's `DescriberFor` (by group and kind), else the generic one.
    pub fn for_kind(group: &str, kind: &str) -> Describer {
        use Describer::*;
        match (group, kind) {
            ("", "Pod") => Pod,
            ("", "ReplicationController") => ReplicationController,
            ("", "Secret") => Secret,
            ("", "Service") => Service,
            ("", "ServiceAccount") => ServiceAccount,
            ("", "Node") => Node,
            ("", "LimitRange") => LimitRange,
            ("", "ResourceQuota") => ResourceQuota,
            ("", "PersistentVolume") => PersistentVolume,
            ("", "PersistentVolumeClaim") => PersistentVolumeClaim,
            ("", "Namespace") => Namespace,
            ("", "Endpoints") => Endpoints,
            ("", "ConfigMap") => ConfigMap,
            ("", "PriorityClass") | ("scheduling.k8s.io", "PriorityClass") => PriorityClass,
            ("discovery.k8s.io", "EndpointSlice") => EndpointSlice,
            ("autoscaling", "HorizontalPodAutoscaler") => HorizontalPodAutoscaler,
            ("networking.k8s.io", "Ingress") => Ingress,
            ("networking.k8s.io", "IngressClass") => IngressClass,
            ("networking.k8s.io", "ServiceCIDR") => ServiceCidr,
            ("networking.k8s.io", "IPAddress") => IpAddress,
            ("networking.k8s.io", "NetworkPolicy") => NetworkPolicy,
            ("batch", "Job") => Job,
            ("batch", "CronJob") => CronJob,
            ("apps", "StatefulSet") => StatefulSet,
            ("apps", "Deployment") => Deployment,
            ("apps", "DaemonSet") => DaemonSet,
            ("apps", "ReplicaSet") => ReplicaSet,
            ("storage.k8s.io", "StorageClass") => StorageClass,
            ("storage.k8s.io", "CSINode") => CsiNode,
            ("storage.k8s.io", "VolumeAttributesClass") => VolumeAttributesClass,
            ("policy", "PodDisruptionBudget") => PodDisruptionBudget,
            ("rbac.authorization.k8s.io", "Role") => Role,
            ("rbac.authorization.k8s.io", "ClusterRole") => ClusterRole,
            ("rbac.authorization.k8s.io", "RoleBinding") => RoleBinding,
            ("rbac.authorization.k8s.io", "ClusterRoleBinding") => ClusterRoleBinding,
            ("certificates.k8s.io", "CertificateSigningRequest") => CertificateSigningRequest,
            _ => Generic,
        }
    }

    /// The API version the typed describer reads the object in, when it
    /// reads a fixed one (kubectl fetches it again in that version).
    pub fn version(&self) -> Option<&'static str> {
        use Describer::*;
        Some(match self {
            Pod
            | ReplicationController
            | Secret
            | Service
            | ServiceAccount
            | Node
            | LimitRange
            | ResourceQuota
            | PersistentVolume
            | PersistentVolumeClaim
            | Namespace
            | Endpoints
            | ConfigMap => "v1",
            PriorityClass => "scheduling.k8s.io/v1",
            EndpointSlice => "discovery.k8s.io/v1",
            HorizontalPodAutoscaler => "autoscaling/v2",
            Ingress | IngressClass | NetworkPolicy => "networking.k8s.io/v1",
            Job | CronJob => "batch/v1",
            StatefulSet | Deployment | DaemonSet | ReplicaSet => "apps/v1",
            StorageClass | CsiNode | VolumeAttributesClass => "storage.k8s.io/v1",
            PodDisruptionBudget => "policy/v1",
            Role | ClusterRole | RoleBinding | ClusterRoleBinding => "rbac.authorization.k8s.io/v1",
            CertificateSigningRequest => "certificates.k8s.io/v1",
            ServiceCidr | IpAddress | Generic => return None,
        })
    }

    /// The related objects the description of `obj` needs.
    pub fn queries(&self, obj: &Value, settings: &Settings) -> Vec<Query> {
        use Describer::*;
        let ev = settings.show_events;
        match self {
            Pod => pod::queries(obj, ev),
            ReplicationController => workloads::rc_queries(obj, ev),
            ReplicaSet => workloads::rs_queries(obj, ev),
            Deployment => workloads::deployment_queries(obj, ev),
            StatefulSet => workloads::statefulset_queries(obj, ev),
            DaemonSet => workloads::daemonset_queries(obj, ev),
            Job => workloads::events_only(obj, "Job", ev),
            CronJob => workloads::events_only(obj, "CronJob", ev),
            Service => service::service_queries(obj, ev),
            Endpoints => workloads::events_only(obj, "Endpoints", ev),
            EndpointSlice => workloads::events_only(obj, "EndpointSlice", ev),
            Ingress => ingress::queries(obj, ev),
            IngressClass => workloads::events_only(obj, "IngressClass", ev),
            ServiceCidr => workloads::events_only(obj, "ServiceCIDR", ev),
            IpAddress => workloads::events_only(obj, "IPAddress", ev),
            Node => node::queries(obj, ev),
            Namespace => namespace::namespace_queries(obj),
            PersistentVolume => workloads::events_only(obj, "PersistentVolume", ev),
            PersistentVolumeClaim => storage::pvc_queries(obj, ev),
            StorageClass => workloads::events_only(obj, "StorageClass", ev),
            CsiNode => workloads::events_only(obj, "CSINode", ev),
            VolumeAttributesClass => workloads::events_only(obj, "VolumeAttributesClass", ev),
            ConfigMap => workloads::events_only(obj, "ConfigMap", ev),
            ServiceAccount => workloads::events_only(obj, "ServiceAccount", ev),
            HorizontalPodAutoscaler => workloads::events_only(obj, "HorizontalPodAutoscaler", ev),
            PodDisruptionBudget => workloads::events_only(obj, "PodDisruptionBudget", ev),
            PriorityClass => workloads::events_only(obj, "PriorityClass", ev),
            CertificateSigningRequest => {
                workloads::events_only(obj, "CertificateSigningRequest", ev)
            }
            Secret | LimitRange | ResourceQuota | Role | ClusterRole | RoleBinding
            | ClusterRoleBinding | NetworkPolicy => vec![],
            Generic => generic::queries(obj, ev),
        }
    }

    /// The text kubectl prints for `obj`.
    pub fn describe(
        &self,
        obj: &Value,
        related: &Related,
        settings: &Settings,
    ) -> Result<String, DescribeError> {
        use Describer::*;
        let (ev, now) = (settings.show_events, settings.now);
        Ok(match self {
            Pod => pod::describe(obj, related, ev, now),
            ReplicationController => workloads::describe_rc(obj, related, ev, now)?,
            ReplicaSet => workloads::describe_rs(obj, related, ev, now)?,
            Deployment => workloads::describe_deployment(obj, related, ev, now)?,
            StatefulSet => workloads::describe_statefulset(obj, related, ev, now)?,
            DaemonSet => workloads::describe_daemonset(obj, related, ev, now)?,
            Job => workloads::describe_job(obj, related, ev, now),
            CronJob => workloads::describe_cronjob(obj, related, ev, now),
            Service => service::describe_service(obj, related, ev, now),
            Endpoints => service::describe_endpoints(obj, related, ev, now),
            EndpointSlice => service::describe_endpointslice(obj, related, ev, now),
            Ingress => ingress::describe(obj, related, ev, now),
            IngressClass => ingress::describe_class(obj, related, ev, now),
            ServiceCidr => networking::describe_service_cidr(obj, related, ev, now),
            IpAddress => networking::describe_ip_address(obj, related, ev, now),
            NetworkPolicy => networking::describe_network_policy(obj),
            Node => node::describe(obj, related, ev, now)?,
            Namespace => namespace::describe_namespace(obj, related)?,
            LimitRange => namespace::describe_limit_range(obj),
            ResourceQuota => namespace::describe_quota(obj),
            PersistentVolume => storage::describe_pv(obj, related, ev, now),
            PersistentVolumeClaim => storage::describe_pvc(obj, related, ev, now)?,
            StorageClass => storage::describe_storage_class(obj, related, ev, now),
            CsiNode => storage::describe_csi_node(obj, related, ev, now),
            VolumeAttributesClass => storage::describe_vac(obj, related, ev, now),
            ConfigMap => config::describe_configmap(obj, related, ev, now)?,
            Secret => config::describe_secret(obj),
            ServiceAccount => config::describe_service_account(obj, related, ev, now),
            HorizontalPodAutoscaler => hpa::describe(obj, related, ev, now),
            PodDisruptionBudget => policy::describe_pdb(obj, related, ev, now),
            PriorityClass => policy::describe_priority_class(obj, related, ev, now),
            Role | ClusterRole => rbac::describe_role(obj),
            RoleBinding | ClusterRoleBinding => rbac::describe_binding(obj),
            CertificateSigningRequest => csr::describe(obj, related, ev, now)?,
            Generic => generic::describe(obj, related, ev, now),
        })
    }
}

/// The events part shared by describers: the table, when events are shown.
pub(crate) fn events_section(
    w: &mut writer::PrefixWriter,
    obj: &Value,
    kind: &str,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) {
    if show_events {
        let q = events::query_for(obj, kind);
        events::describe(related.items(&q).unwrap_or(&[]), w, now);
    }
}
