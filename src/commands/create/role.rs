//! `create role NAME --verb=… --resource=…` and `create clusterrole NAME
//! (--verb=… --resource=…|--non-resource-url=…|--aggregation-rule=…)`
//!
//! Examples:
//!   # A role that may get, list and watch pods
//!   kuddle create role pod-reader --verb=get --verb=list --verb=watch --resource=pods
//!
//!   # Only some pods, by name
//!   kuddle create role pod-reader --verb=get --resource=pods --resource-name=readablepod --resource-name=anotherpod
//!
//!   # A resource of an API group, and a subresource
//!   kuddle create role foo --verb=get,list,watch --resource=rs.apps,pods/status
//!
//!   # A cluster role for non-resource URLs
//!   kuddle create clusterrole "foo" --verb=get --non-resource-url=/logs/*
//!
//!   # A cluster role made of the cluster roles with a label
//!   kuddle create clusterrole monitoring --aggregation-rule="rbac.example.com/aggregate-to-monitoring=true"

use std::collections::BTreeMap;
use std::io::Write as _;

use anyhow::Result;
use clap::{ArgAction, Args};

use super::{create_and_print, require_name, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{
    go_map_string_string, go_string_slice, string_pairs_map, string_slice_items, StringPairs,
    StringSlice,
};
use crate::generate::role::{
    cluster_role, distinct, distinct_verbs, parse_resources, policy_rules, role,
    validate_resources, verb_warnings, ClusterRoleFlags, GroupResource, ResourceArg, RoleError,
};
use crate::generate::save_config;

/// The rule flags both role kinds take.
#[derive(Args, Debug)]
pub struct RuleFlags {
    /// The role's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    /// A verb the rule allows; repeat or separate with commas.
    #[arg(allow_hyphen_values = true, long = "verb", value_name = "VERB", value_parser = go_string_slice,
          action = ArgAction::Append)]
    pub verbs: Vec<StringSlice>,

    /// A resource the rule covers, `resource[.group][/subresource]`; repeat
    /// or separate with commas.
    #[arg(allow_hyphen_values = true, long = "resource", value_name = "RESOURCE", value_parser = go_string_slice,
          action = ArgAction::Append)]
    pub resources: Vec<StringSlice>,

    /// Limit the rule to objects with this name; repeat for several.
    #[arg(allow_hyphen_values = true, long = "resource-name", value_name = "NAME", action = ArgAction::Append)]
    pub resource_names: Vec<String>,
}

#[derive(Args, Debug)]
pub struct RoleArgs {
    #[command(flatten)]
    pub rule: RuleFlags,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

#[derive(Args, Debug)]
pub struct ClusterRoleArgs {
    #[command(flatten)]
    pub rule: RuleFlags,

    /// A URL path the rule allows (a trailing `*` matches a prefix);
    /// repeat or separate with commas.
    #[arg(allow_hyphen_values = true, long = "non-resource-url", value_name = "URL", value_parser = go_string_slice,
          action = ArgAction::Append)]
    pub non_resource_urls: Vec<StringSlice>,

    /// Labels (`key=value,…`) that select the cluster roles this one gathers.
    #[arg(allow_hyphen_values = true, long = "aggregation-rule", value_name = "KEY=VALUE", value_parser = go_map_string_string,
          action = ArgAction::Append)]
    pub aggregation_rule: Vec<StringPairs>,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

/// The rule flags as kubectl's `Complete` reads them.
struct Rule {
    name: String,
    verbs: Vec<String>,
    resources: Vec<ResourceArg>,
    resource_names: Vec<String>,
}

impl RuleFlags {
    fn complete(&self, ctx: &Context) -> Result<Rule> {
        Ok(Rule {
            name: single_name(ctx, &self.names)?,
            verbs: distinct_verbs(&string_slice_items(&self.verbs)),
            resources: parse_resources(&string_slice_items(&self.resources)),
            resource_names: distinct(&self.resource_names),
        })
    }
}

/// The server's names for the resources (None where it has none), and the
/// error for the first one it could not resolve.
struct Mapped {
    resources: Vec<Option<GroupResource>>,
    errors: Vec<Option<anyhow::Error>>,
}

impl Mapped {
    fn error(&mut self, err: RoleError) -> anyhow::Error {
        match err {
            RoleError::Message(m) => anyhow::anyhow!(m),
            RoleError::Mapping(i) => self
                .errors
                .get_mut(i)
                .and_then(Option::take)
                .unwrap_or_else(|| anyhow::anyhow!("unknown resource")),
        }
    }
}

/// Resolves the resources with the server's discovery (refreshed once when
/// a name is missing from the cache). A `*` needs no server.
async fn map_resources(ctx: &mut Context, resources: &[ResourceArg]) -> Mapped {
    let mut mapped = Mapped {
        resources: vec![None; resources.len()],
        errors: resources.iter().map(|_| None).collect(),
    };
    if !resources.iter().any(ResourceArg::needs_mapping) {
        return mapped;
    }
    // kubectl validates in order and asks the server lazily: a resource
    // left empty before any name that needs the server fails without a
    // request (and without the failed request's log line).
    for r in resources {
        if r.resource.is_empty() {
            return mapped;
        }
        if r.resource == "*" || r.needs_mapping() {
            break;
        }
    }
    let mut discovery = match ctx.discovery().await {
        Ok(d) => d,
        Err(e) => {
            // Every lookup failed the same way; the first one is reported.
            if let Some(i) = resources.iter().position(ResourceArg::needs_mapping) {
                mapped.errors[i] = Some(e);
            }
            return mapped;
        }
    };
    let lookup =
        |d: &crate::resource::Discovery, r: &ResourceArg| d.resource_for(&r.group, &r.resource);
    let missing = resources
        .iter()
        .any(|r| r.needs_mapping() && lookup(&discovery, r).is_err());
    if missing {
        if let Ok(Some(fresh)) = ctx.refresh_discovery().await {
            discovery = fresh;
        }
    }
    for (i, r) in resources.iter().enumerate() {
        if !r.needs_mapping() {
            continue;
        }
        match lookup(&discovery, r) {
            Ok(m) => {
                mapped.resources[i] = Some(GroupResource {
                    group: m.group,
                    resource: m.resource,
                })
            }
            Err(e) => mapped.errors[i] = Some(CliError::Verbatim(e.to_string()).into()),
        }
    }
    mapped
}

pub async fn run_role(ctx: &mut Context, args: RoleArgs) -> Result<()> {
    let rule = args.rule.complete(ctx)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    require_name(&rule.name)?;
    if rule.verbs.is_empty() {
        anyhow::bail!("at least one verb must be specified");
    }
    for warning in verb_warnings(&rule.verbs) {
        writeln!(ctx.err, "{warning}")?;
    }
    if rule.resources.is_empty() {
        anyhow::bail!("at least one resource must be specified");
    }
    let mut mapped = map_resources(ctx, &rule.resources).await;
    validate_resources(&rule.verbs, &rule.resources, &mapped.resources)
        .map_err(|e| mapped.error(e))?;
    let rules = policy_rules(
        &rule.verbs,
        &rule.resources,
        &mapped.resources,
        &rule.resource_names,
        &[],
    );
    let namespace = ctx.enforced_namespace();
    let mut object = role(&rule.name, namespace.as_deref(), rules);
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, "").await
}

pub async fn run_cluster_role(ctx: &mut Context, args: ClusterRoleArgs) -> Result<()> {
    let non_resource_urls = distinct(&string_slice_items(&args.non_resource_urls));
    let aggregation_rule: BTreeMap<String, String> = string_pairs_map(&args.aggregation_rule);
    let rule = args.rule.complete(ctx)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    require_name(&rule.name)?;
    let flags = ClusterRoleFlags {
        verbs: &rule.verbs,
        resources: &rule.resources,
        resource_names: &rule.resource_names,
        non_resource_urls: &non_resource_urls,
        aggregation_rule: &aggregation_rule,
    };
    let checks_resources =
        aggregation_rule.is_empty() && !rule.verbs.is_empty() && !rule.resources.is_empty();
    let mut mapped = if checks_resources {
        map_resources(ctx, &rule.resources).await
    } else {
        Mapped {
            resources: vec![None; rule.resources.len()],
            errors: rule.resources.iter().map(|_| None).collect(),
        }
    };
    let mut warnings = Vec::new();
    let outcome = flags.validate(&mut |w| warnings.push(w), &mut || {
        validate_resources(&rule.verbs, &rule.resources, &mapped.resources)
    });
    for warning in warnings {
        writeln!(ctx.err, "{warning}")?;
    }
    outcome.map_err(|e| mapped.error(e))?;
    let rules = aggregation_rule.is_empty().then(|| {
        policy_rules(
            &rule.verbs,
            &rule.resources,
            &mapped.resources,
            &rule.resource_names,
            &non_resource_urls,
        )
    });
    let mut object = cluster_role(&rule.name, rules, &aggregation_rule);
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, "").await
}
