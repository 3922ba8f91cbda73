//! PodDisruptionBudgets and PriorityClasses.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::events_section;
use super::json::{at, b, has, i, name, namespace, s, string_map};
use super::related::Related;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_2};
use crate::resource::selector::{format_label_selector, format_labels};

pub fn describe_pdb(
    pdb: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let spec = at(pdb, &["spec"]);
    let st = at(pdb, &["status"]);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(pdb)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(pdb)));
    if has(spec, &["minAvailable"]) {
        w.write(
            LEVEL_0,
            &format!(
                "Min available:\t{}\n",
                super::json::int_or_string(at(spec, &["minAvailable"]))
            ),
        );
    } else if has(spec, &["maxUnavailable"]) {
        w.write(
            LEVEL_0,
            &format!(
                "Max unavailable:\t{}\n",
                super::json::int_or_string(at(spec, &["maxUnavailable"]))
            ),
        );
    }
    if has(spec, &["selector"]) {
        w.write(
            LEVEL_0,
            &format!(
                "Selector:\t{}\n",
                format_label_selector(at(spec, &["selector"]))
            ),
        );
    } else {
        w.write(LEVEL_0, "Selector:\t<unset>\n");
    }
    w.write(LEVEL_0, "Status:\n");
    w.write(
        LEVEL_2,
        &format!("Allowed disruptions:\t{}\n", i(st, &["disruptionsAllowed"])),
    );
    w.write(
        LEVEL_2,
        &format!("Current:\t{}\n", i(st, &["currentHealthy"])),
    );
    w.write(
        LEVEL_2,
        &format!("Desired:\t{}\n", i(st, &["desiredHealthy"])),
    );
    w.write(LEVEL_2, &format!("Total:\t{}\n", i(st, &["expectedPods"])));
    events_section(
        &mut w,
        pdb,
        "PodDisruptionBudget",
        related,
        show_events,
        now,
    );
    w.finish()
}

pub fn describe_priority_class(
    pc: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(pc)));
    w.write(LEVEL_0, &format!("Value:\t{}\n", i(pc, &["value"])));
    w.write(
        LEVEL_0,
        &format!("GlobalDefault:\t{}\n", b(pc, &["globalDefault"])),
    );
    w.write(
        LEVEL_0,
        &format!("PreemptionPolicy:\t{}\n", s(pc, &["preemptionPolicy"])),
    );
    w.write(
        LEVEL_0,
        &format!("Description:\t{}\n", s(pc, &["description"])),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Annotations:\t{}\n",
            format_labels(&string_map(pc, &["metadata", "annotations"]))
        ),
    );
    events_section(&mut w, pc, "PriorityClass", related, show_events, now);
    w.finish()
}
