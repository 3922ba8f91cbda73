//! `-o custom-columns=HEADER:JSONPATH,…` and `-o custom-columns-file=FILE`:
//! a table whose cells are JSONPath results (`<none>` when nothing is found,
//! several results joined with commas).

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use serde_json::Value;

use super::jsonpath::{relaxed_expression, Template};
use super::tabwriter::TabWriter;

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub template: Template,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CustomColumns {
    pub columns: Vec<Column>,
    pub no_headers: bool,
    printed_header: bool,
}

fn column(header: &str, spec: &str) -> Result<Column> {
    let expr = relaxed_expression(spec).map_err(|e| anyhow!("{e}"))?;
    let template = Template::parse(&expr)
        .map_err(|e| anyhow!("{e}"))?
        .allow_missing_keys(true);
    Ok(Column {
        header: header.to_string(),
        template,
    })
}

impl CustomColumns {
    /// `NAME:.metadata.name,IMAGE:.spec.containers[*].image`
    pub fn from_spec(spec: &str, no_headers: bool) -> Result<CustomColumns> {
        if spec.is_empty() {
            bail!("custom-columns format specified but no custom columns given");
        }
        let mut columns = Vec::new();
        for part in spec.split(',') {
            let Some((header, path)) = part.split_once(':') else {
                bail!("unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>");
            };
            columns.push(column(header, path)?);
        }
        Ok(CustomColumns {
            columns,
            no_headers,
            printed_header: false,
        })
    }

    /// A file with a line of headers and a line of JSONPaths (kubectl always
    /// prints the headers of a columns file).
    pub fn from_file(path: &str) -> Result<CustomColumns> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow!(
                "error reading template {path}, {}",
                super::go_read_error(path, &e)
            )
        })?;
        let mut lines = text.lines();
        let headers: Vec<&str> = lines
            .next()
            .ok_or_else(|| anyhow!("invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs."))?
            .split_whitespace()
            .collect();
        let specs: Vec<&str> = lines
            .next()
            .ok_or_else(|| anyhow!("invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs."))?
            .split_whitespace()
            .collect();
        if headers.len() != specs.len() {
            bail!(
                "number of headers ({}) and field specifications ({}) don't match",
                headers.len(),
                specs.len()
            );
        }
        let columns = headers
            .iter()
            .zip(specs.iter())
            .map(|(h, s)| column(h, s))
            .collect::<Result<Vec<_>>>()?;
        Ok(CustomColumns {
            columns,
            no_headers: false,
            printed_header: false,
        })
    }

    /// Prints an object, or each item of a list, as rows.
    pub fn print(&mut self, obj: &Value, out: &mut dyn Write) -> Result<()> {
        let mut tw = self.begin(out)?;
        let is_list = obj
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List"))
            && obj.get("items").is_some();
        match obj.get("items").and_then(Value::as_array) {
            Some(items) if is_list => {
                for item in items {
                    self.print_row(item, &mut tw)?;
                }
            }
            _ => self.print_row(obj, &mut tw)?,
        }
        tw.flush_pending()?;
        Ok(())
    }

    /// Starts a table (the header, unless printed already); rows go to
    /// [`CustomColumns::print_row`], and the table ends with the writer's
    /// `flush_pending`. What [`CustomColumns::print`] does with a list, for
    /// items that arrive one at a time.
    pub fn begin<'w>(&mut self, out: &'w mut dyn Write) -> Result<TabWriter<&'w mut dyn Write>> {
        let mut tw = TabWriter::for_tables(out);
        if !self.no_headers && !self.printed_header {
            let headers: Vec<&str> = self.columns.iter().map(|c| c.header.as_str()).collect();
            writeln!(tw, "{}", super::style::header_row(&headers.join("\t")))?;
            self.printed_header = true;
        }
        Ok(tw)
    }

    /// One object as a row.
    pub fn print_row(&self, obj: &Value, out: &mut dyn Write) -> Result<()> {
        let mut cells = Vec::with_capacity(self.columns.len());
        for column in &self.columns {
            column.template.reset();
            let groups = column
                .template
                .find_results(obj)
                .map_err(|e| anyhow!("{e}"))?;
            let mut values: Vec<String> = Vec::new();
            if groups.first().is_none_or(|g| g.is_empty()) {
                values.push("<none>".into());
            }
            for group in &groups {
                for found in group {
                    values.push(found.sprint().replace('\x1b', "^[").replace('\r', "\\r"));
                }
            }
            cells.push(values.join(","));
        }
        writeln!(out, "{}", cells.join("\t"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spec_errors() {
        assert_eq!(
            CustomColumns::from_spec("", false).unwrap_err().to_string(),
            "custom-columns format specified but no custom columns given"
        );
        assert_eq!(
            CustomColumns::from_spec("BAD", false)
                .unwrap_err()
                .to_string(),
            "unexpected custom-columns spec: BAD, expected <header>:<json-path-expr>"
        );
    }

    #[test]
    fn rows_with_none_and_joined_values() {
        let mut cc = CustomColumns::from_spec(
            "NAME:.metadata.name,PORTS:.spec.ports[*].port,X:.nope",
            false,
        )
        .unwrap();
        let list = json!({"kind": "List", "items": [
            {"metadata": {"name": "a"}, "spec": {"ports": [{"port": 80}, {"port": 443}]}},
            {"metadata": {"name": "bb"}, "spec": {}}
        ]});
        let mut out = Vec::new();
        cc.print(&list, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "NAME   PORTS    X\na      80,443   <none>\nbb     <none>   <none>\n"
        );
    }
}
