//! Volume sources, as pods, pod templates and persistent volumes show them.

use serde_json::Value;

use super::format::{byte_prefix, go_slice_at};
use super::json::{arr, at, b, has, i, opt_b, opt_i, opt_s, s, string_map};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use crate::quantity::Quantity;

/// `describeVolumes`.
pub fn describe_volumes(volumes: &[Value], w: &mut PrefixWriter, space: &str) {
    if volumes.is_empty() {
        w.write(LEVEL_0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(LEVEL_0, &format!("{space}Volumes:\n"));
    for v in volumes {
        let indent = if space.is_empty() { "" } else { " " };
        w.write(LEVEL_1, &format!("{indent}{}:\n", s(v, &["name"])));
        pod_volume_source(v, w);
    }
}

/// Writes `Type:` and the `    Field:\tvalue` lines of a volume source.
fn block(w: &mut PrefixWriter, kind: &str, fields: &[(&str, String)]) {
    w.write(LEVEL_2, &format!("Type:\t{kind}\n"));
    // The other lines are part of the same write: no level prefix.
    for (label, value) in fields {
        w.write(LEVEL_0, &format!("{label}\t{value}\n"));
    }
}

/// `%v` of a `*LocalObjectReference`.
fn local_ref(v: &Value) -> String {
    if v.is_null() {
        "nil".to_string()
    } else {
        format!("&LocalObjectReference{{Name:{},}}", s(v, &["name"]))
    }
}

/// `%v` of a `*SecretReference`.
fn secret_ref(v: &Value) -> String {
    if v.is_null() {
        "nil".to_string()
    } else {
        format!(
            "&SecretReference{{Name:{},Namespace:{},}}",
            s(v, &["name"]),
            s(v, &["namespace"])
        )
    }
}

/// `%v` of a `map[string]string`.
fn go_map(v: &Value, path: &[&str]) -> String {
    let m = string_map(v, path);
    let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", parts.join(" "))
}

fn bool_at(v: &Value, path: &[&str]) -> String {
    b(v, path).to_string()
}

fn str_at(v: &Value, path: &[&str]) -> String {
    s(v, path).to_string()
}

fn int_at(v: &Value, path: &[&str]) -> String {
    i(v, path).to_string()
}

fn pod_volume_source(v: &Value, w: &mut PrefixWriter) {
    let known = [
        "hostPath",
        "emptyDir",
        "gcePersistentDisk",
        "awsElasticBlockStore",
        "gitRepo",
        "secret",
        "configMap",
        "nfs",
        "iscsi",
        "glusterfs",
        "persistentVolumeClaim",
        "ephemeral",
        "rbd",
        "quobyte",
        "downwardAPI",
        "azureDisk",
        "vsphereVolume",
        "cinder",
        "photonPersistentDisk",
        "portworxVolume",
        "scaleIO",
        "cephfs",
        "storageos",
        "fc",
        "azureFile",
        "flexVolume",
        "flocker",
        "projected",
        "csi",
        "image",
    ];
    let Some(field) = known.iter().find(|f| has(v, &[f])) else {
        w.write(LEVEL_1, "<unknown>\n");
        return;
    };
    let x = at(v, &[field]);
    match *field {
        "hostPath" => host_path(x, w),
        "emptyDir" => {
            let size = Quantity::parse_field(s(x, &["sizeLimit"]))
                .ok()
                .filter(|q| q.cmp(&Quantity::default()).is_gt())
                .map(|q| q.to_canonical())
                .unwrap_or_else(|| "<unset>".to_string());
            block(
                w,
                "EmptyDir (a temporary directory that shares a pod's lifetime)",
                &[
                    ("    Medium:", str_at(x, &["medium"])),
                    ("    SizeLimit:", size),
                ],
            );
        }
        "gcePersistentDisk" => gce(x, w),
        "awsElasticBlockStore" => aws(x, w),
        "gitRepo" => block(
            w,
            "GitRepo (a volume that is pulled from git when the pod is created)",
            &[
                ("    Repository:", str_at(x, &["repository"])),
                ("    Revision:", str_at(x, &["revision"])),
            ],
        ),
        "secret" => block(
            w,
            "Secret (a volume populated by a Secret)",
            &[
                ("    SecretName:", str_at(x, &["secretName"])),
                ("    Optional:", bool_at(x, &["optional"])),
            ],
        ),
        "configMap" => block(
            w,
            "ConfigMap (a volume populated by a ConfigMap)",
            &[
                ("    Name:", str_at(x, &["name"])),
                ("    Optional:", bool_at(x, &["optional"])),
            ],
        ),
        "nfs" => nfs(x, w),
        "iscsi" => iscsi(x, w, local_ref(at(x, &["secretRef"]))),
        "glusterfs" => block(
            w,
            "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)",
            &[
                ("    EndpointsName:", str_at(x, &["endpoints"])),
                ("    Path:", str_at(x, &["path"])),
                ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ],
        ),
        "persistentVolumeClaim" => block(
            w,
            "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
            &[
                ("    ClaimName:", str_at(x, &["claimName"])),
                ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ],
        ),
        "ephemeral" => {
            w.write(
                LEVEL_2,
                "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n",
            );
            let t = at(x, &["volumeClaimTemplate"]);
            if !t.is_null() {
                w.nested(LEVEL_2, |w| super::storage::print_pvc(w, t, None));
            }
        }
        "rbd" => rbd(x, w, local_ref(at(x, &["secretRef"]))),
        "quobyte" => quobyte(x, w),
        "downwardAPI" => {
            w.write(
                LEVEL_2,
                "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
            );
            for item in arr(x, &["items"]) {
                if has(item, &["fieldRef"]) {
                    w.write(
                        LEVEL_3,
                        &format!(
                            "{} -> {}\n",
                            s(item, &["fieldRef", "fieldPath"]),
                            s(item, &["path"])
                        ),
                    );
                }
                if has(item, &["resourceFieldRef"]) {
                    w.write(
                        LEVEL_3,
                        &format!(
                            "{} -> {}\n",
                            s(item, &["resourceFieldRef", "resource"]),
                            s(item, &["path"])
                        ),
                    );
                }
            }
        }
        "azureDisk" => azure_disk(x, w),
        "vsphereVolume" => vsphere(x, w),
        "cinder" => cinder(x, w, local_ref(at(x, &["secretRef"]))),
        "photonPersistentDisk" => photon(x, w),
        "portworxVolume" => portworx(x, w),
        "scaleIO" => block(
            w,
            "ScaleIO (a persistent volume backed by a block device in ScaleIO)",
            &[
                ("    Gateway:", str_at(x, &["gateway"])),
                ("    System:", str_at(x, &["system"])),
                ("    Protection Domain:", str_at(x, &["protectionDomain"])),
                ("    Storage Pool:", str_at(x, &["storagePool"])),
                ("    Storage Mode:", str_at(x, &["storageMode"])),
                ("    VolumeName:", str_at(x, &["volumeName"])),
                ("    FSType:", str_at(x, &["fsType"])),
                ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ],
        ),
        "cephfs" => cephfs(x, w, local_ref(at(x, &["secretRef"]))),
        "storageos" => storageos(x, w),
        "fc" => fc(x, w),
        "azureFile" => block(
            w,
            "AzureFile (an Azure File Service mount on the host and bind mount to the pod)",
            &[
                ("    SecretName:", str_at(x, &["secretName"])),
                ("    ShareName:", str_at(x, &["shareName"])),
                ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ],
        ),
        "flexVolume" => flex(x, w, local_ref(at(x, &["secretRef"]))),
        "flocker" => flocker(x, w),
        "projected" => {
            w.write(
                LEVEL_2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for source in arr(x, &["sources"]) {
                if has(source, &["secret"]) {
                    w.write(
                        LEVEL_2,
                        &format!(
                            "SecretName:\t{}\n    Optional:\t{}\n",
                            s(source, &["secret", "name"]),
                            b(source, &["secret", "optional"])
                        ),
                    );
                } else if has(source, &["downwardAPI"]) {
                    w.write(LEVEL_2, "DownwardAPI:\ttrue\n");
                } else if has(source, &["configMap"]) {
                    w.write(
                        LEVEL_2,
                        &format!(
                            "ConfigMapName:\t{}\n    Optional:\t{}\n",
                            s(source, &["configMap", "name"]),
                            b(source, &["configMap", "optional"])
                        ),
                    );
                } else if has(source, &["serviceAccountToken"]) {
                    w.write(
                        LEVEL_2,
                        &format!(
                            "TokenExpirationSeconds:\t{}\n",
                            i(source, &["serviceAccountToken", "expirationSeconds"])
                        ),
                    );
                }
            }
        }
        "csi" => {
            block(
                w,
                "CSI (a Container Storage Interface (CSI) volume source)",
                &[
                    ("    Driver:", str_at(x, &["driver"])),
                    (
                        "    FSType:",
                        opt_s(x, &["fsType"]).unwrap_or("").to_string(),
                    ),
                    (
                        "    ReadOnly:",
                        opt_b(x, &["readOnly"]).unwrap_or(false).to_string(),
                    ),
                ],
            );
            csi_attributes(w, x);
        }
        "image" => block(
            w,
            "Image (a container image or OCI artifact)",
            &[
                ("    Reference:", str_at(x, &["reference"])),
                ("    PullPolicy:", str_at(x, &["pullPolicy"])),
            ],
        ),
        _ => w.write(LEVEL_1, "<unknown>\n"),
    }
}

/// The source of a persistent volume (`describePersistentVolume`).
pub fn pv_source(spec: &Value, w: &mut PrefixWriter) {
    let known = [
        "hostPath",
        "gcePersistentDisk",
        "awsElasticBlockStore",
        "nfs",
        "iscsi",
        "glusterfs",
        "rbd",
        "quobyte",
        "vsphereVolume",
        "cinder",
        "azureDisk",
        "photonPersistentDisk",
        "portworxVolume",
        "scaleIO",
        "local",
        "cephfs",
        "storageos",
        "fc",
        "azureFile",
        "flexVolume",
        "flocker",
        "csi",
    ];
    let Some(field) = known.iter().find(|f| has(spec, &[f])) else {
        w.write(LEVEL_1, "<unknown>\n");
        return;
    };
    let x = at(spec, &[field]);
    match *field {
        "hostPath" => host_path(x, w),
        "gcePersistentDisk" => gce(x, w),
        "awsElasticBlockStore" => aws(x, w),
        "nfs" => nfs(x, w),
        "iscsi" => iscsi(x, w, secret_ref(at(x, &["secretRef"]))),
        "glusterfs" => block(
            w,
            "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)",
            &[
                ("    EndpointsName:", str_at(x, &["endpoints"])),
                (
                    "    EndpointsNamespace:",
                    opt_s(x, &["endpointsNamespace"])
                        .unwrap_or("<unset>")
                        .to_string(),
                ),
                ("    Path:", str_at(x, &["path"])),
                ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ],
        ),
        "rbd" => rbd(x, w, secret_ref(at(x, &["secretRef"]))),
        "quobyte" => quobyte(x, w),
        "vsphereVolume" => vsphere(x, w),
        "cinder" => cinder(x, w, secret_ref(at(x, &["secretRef"]))),
        "azureDisk" => azure_disk(x, w),
        "photonPersistentDisk" => photon(x, w),
        "portworxVolume" => portworx(x, w),
        "scaleIO" => block(
            w,
            "ScaleIO (a persistent volume backed by a block device in ScaleIO)",
            &[
                ("    Gateway:", str_at(x, &["gateway"])),
                ("    System:", str_at(x, &["system"])),
                ("    Protection Domain:", str_at(x, &["protectionDomain"])),
                ("    Storage Pool:", str_at(x, &["storagePool"])),
                ("    Storage Mode:", str_at(x, &["storageMode"])),
                ("    VolumeName:", str_at(x, &["volumeName"])),
                ("    SecretName:", str_at(x, &["secretRef", "name"])),
                (
                    "    SecretNamespace:",
                    str_at(x, &["secretRef", "namespace"]),
                ),
                ("    FSType:", str_at(x, &["fsType"])),
                ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ],
        ),
        "local" => block(
            w,
            "LocalVolume (a persistent volume backed by local storage on a node)",
            &[("    Path:", str_at(x, &["path"]))],
        ),
        "cephfs" => cephfs(x, w, secret_ref(at(x, &["secretRef"]))),
        "storageos" => storageos(x, w),
        "fc" => fc(x, w),
        "azureFile" => block(
            w,
            "AzureFile (an Azure File Service mount on the host and bind mount to the pod)",
            &[
                ("    SecretName:", str_at(x, &["secretName"])),
                (
                    "    SecretNamespace:",
                    opt_s(x, &["secretNamespace"]).unwrap_or("").to_string(),
                ),
                ("    ShareName:", str_at(x, &["shareName"])),
                ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ],
        ),
        "flexVolume" => flex(x, w, secret_ref(at(x, &["secretRef"]))),
        "flocker" => flocker(x, w),
        "csi" => {
            block(
                w,
                "CSI (a Container Storage Interface (CSI) volume source)",
                &[
                    ("    Driver:", str_at(x, &["driver"])),
                    ("    FSType:", str_at(x, &["fsType"])),
                    ("    VolumeHandle:", str_at(x, &["volumeHandle"])),
                    ("    ReadOnly:", bool_at(x, &["readOnly"])),
                ],
            );
            csi_attributes(w, x);
        }
        _ => w.write(LEVEL_1, "<unknown>\n"),
    }
}

fn host_path(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "HostPath (bare host directory volume)",
        &[
            ("    Path:", str_at(x, &["path"])),
            (
                "    HostPathType:",
                opt_s(x, &["type"]).unwrap_or("<none>").to_string(),
            ),
        ],
    );
}

fn gce(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
        &[
            ("    PDName:", str_at(x, &["pdName"])),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    Partition:", int_at(x, &["partition"])),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
        ],
    );
}

fn aws(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
        &[
            ("    VolumeID:", str_at(x, &["volumeID"])),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    Partition:", int_at(x, &["partition"])),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
        ],
    );
}

fn nfs(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "NFS (an NFS mount that lasts the lifetime of a pod)",
        &[
            ("    Server:", str_at(x, &["server"])),
            ("    Path:", str_at(x, &["path"])),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
        ],
    );
}

fn iscsi(x: &Value, w: &mut PrefixWriter, secret: String) {
    block(
        w,
        "ISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod)",
        &[
            ("    TargetPortal:", str_at(x, &["targetPortal"])),
            ("    IQN:", str_at(x, &["iqn"])),
            ("    Lun:", int_at(x, &["lun"])),
            ("    ISCSIInterface", str_at(x, &["iscsiInterface"])),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ("    Portals:", go_slice_at(x, &["portals"])),
            ("    DiscoveryCHAPAuth:", bool_at(x, &["chapAuthDiscovery"])),
            ("    SessionCHAPAuth:", bool_at(x, &["chapAuthSession"])),
            ("    SecretRef:", secret),
            ("    InitiatorName:", opt_s(x, &["initiatorName"]).unwrap_or("<none>").to_string()),
        ],
    );
}

fn rbd(x: &Value, w: &mut PrefixWriter, secret: String) {
    block(
        w,
        "RBD (a Rados Block Device mount on the host that shares a pod's lifetime)",
        &[
            ("    CephMonitors:", go_slice_at(x, &["monitors"])),
            ("    RBDImage:", str_at(x, &["image"])),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    RBDPool:", str_at(x, &["pool"])),
            ("    RadosUser:", str_at(x, &["user"])),
            ("    Keyring:", str_at(x, &["keyring"])),
            ("    SecretRef:", secret),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
        ],
    );
}

fn quobyte(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "Quobyte (a Quobyte mount on the host that shares a pod's lifetime)",
        &[
            ("    Registry:", str_at(x, &["registry"])),
            ("    Volume:", str_at(x, &["volume"])),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
        ],
    );
}

fn azure_disk(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "AzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)",
        &[
            ("    DiskName:", str_at(x, &["diskName"])),
            ("    DiskURI:", str_at(x, &["diskURI"])),
            ("    Kind: ", str_at(x, &["kind"])),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    CachingMode:", str_at(x, &["cachingMode"])),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
        ],
    );
}

fn vsphere(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "vSphereVolume (a Persistent Disk resource in vSphere)",
        &[
            ("    VolumePath:", str_at(x, &["volumePath"])),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    StoragePolicyName:", str_at(x, &["storagePolicyName"])),
        ],
    );
}

fn cinder(x: &Value, w: &mut PrefixWriter, secret: String) {
    block(
        w,
        "Cinder (a Persistent Disk resource in OpenStack)",
        &[
            ("    VolumeID:", str_at(x, &["volumeID"])),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ("    SecretRef:", secret),
        ],
    );
}

fn photon(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "PhotonPersistentDisk (a Persistent Disk resource in photon platform)",
        &[
            ("    PdID:", str_at(x, &["pdID"])),
            ("    FSType:", str_at(x, &["fsType"])),
        ],
    );
}

fn portworx(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "PortworxVolume (a Portworx Volume resource)",
        &[("    VolumeID:", str_at(x, &["volumeID"]))],
    );
}

fn cephfs(x: &Value, w: &mut PrefixWriter, secret: String) {
    block(
        w,
        "CephFS (a CephFS mount on the host that shares a pod's lifetime)",
        &[
            ("    Monitors:", go_slice_at(x, &["monitors"])),
            ("    Path:", str_at(x, &["path"])),
            ("    User:", str_at(x, &["user"])),
            ("    SecretFile:", str_at(x, &["secretFile"])),
            ("    SecretRef:", secret),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
        ],
    );
}

fn storageos(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "StorageOS (a StorageOS Persistent Disk resource)",
        &[
            ("    VolumeName:", str_at(x, &["volumeName"])),
            ("    VolumeNamespace:", str_at(x, &["volumeNamespace"])),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
        ],
    );
}

fn fc(x: &Value, w: &mut PrefixWriter) {
    let wwns: Vec<String> = arr(x, &["targetWWNs"])
        .iter()
        .map(|v| v.as_str().unwrap_or("").to_string())
        .collect();
    block(
        w,
        "FC (a Fibre Channel disk)",
        &[
            ("    TargetWWNs:", wwns.join(", ")),
            (
                "    LUN:",
                opt_i(x, &["lun"])
                    .map(|l| l.to_string())
                    .unwrap_or_else(|| "<none>".to_string()),
            ),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
        ],
    );
}

fn flex(x: &Value, w: &mut PrefixWriter, secret: String) {
    block(
        w,
        "FlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)",
        &[
            ("    Driver:", str_at(x, &["driver"])),
            ("    FSType:", str_at(x, &["fsType"])),
            ("    SecretRef:", secret),
            ("    ReadOnly:", bool_at(x, &["readOnly"])),
            ("    Options:", go_map(x, &["options"])),
        ],
    );
}

fn flocker(x: &Value, w: &mut PrefixWriter) {
    block(
        w,
        "Flocker (a Flocker volume mounted by the Flocker agent)",
        &[
            ("    DatasetName:", str_at(x, &["datasetName"])),
            ("    DatasetUUID:", str_at(x, &["datasetUUID"])),
        ],
    );
}

/// `printCSIPersistentVolumeAttributesMultiline`, with its odd indentation.
fn csi_attributes(w: &mut PrefixWriter, x: &Value) {
    w.write(LEVEL_2, "VolumeAttributes:\t");
    let attrs = string_map(x, &["volumeAttributes"]);
    if attrs.is_empty() {
        w.line("<none>");
        return;
    }
    for (n, (k, v)) in attrs.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_2, "");
            w.write(LEVEL_2, "\t");
        }
        let line = format!("{k}={v}");
        if line.len() > 140 {
            w.write(LEVEL_2, &format!("{}...\n", byte_prefix(&line, 140)));
        } else {
            w.write(LEVEL_2, &format!("{line}\n"));
        }
    }
}
