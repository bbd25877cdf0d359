//! A service definition made ready to run: its expressions compiled once, and evaluated on demand.

use std::collections::HashMap;
use std::sync::Arc;

use simpul_definitions::model::{Field, Requirement, ServiceDefinition, Step};

use crate::values::{Derived, FactValue, Facts, FormData, RuleOutcome, RuleResult};

/// An expression of the definition that does not compile (the definition was not validated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expression of {at} does not compile: {message}")]
pub struct ServiceError {
    /// Where the expression is, e.g. `rule terdaftar_dtks`.
    pub at: String,
    /// The parser's message.
    pub message: String,
}

/// One version of a service definition, ready to run.
pub struct Service {
    definition: ServiceDefinition,
    version: u32,
    env: Arc<cel::Env>,
    rules: HashMap<String, cel::Program>,
    field_conditions: HashMap<String, cel::Program>,
    requirement_conditions: HashMap<String, cel::Program>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").field("code", &self.definition.code).field("version", &self.version).finish()
    }
}

/// The values an expression can read.
pub struct Bindings<'a> {
    /// Form data.
    pub data: &'a FormData,
    /// Derived values.
    pub derived: &'a Derived,
    /// Registry facts.
    pub facts: &'a Facts,
}

/// Compiles through the definitions' one entry for expressions, which checks their size and shape first.
fn compile(at: String, expression: &simpul_definitions::expr::Expression) -> Result<cel::Program, ServiceError> {
    expression.compile().map_err(|e| ServiceError { at, message: e.message })
}

fn to_cel(value: &serde_json::Value) -> Option<cel::Value> {
    match value {
        serde_json::Value::Bool(b) => Some(cel::Value::Bool(*b)),
        serde_json::Value::String(s) => Some(cel::Value::String(Arc::new(s.clone()))),
        serde_json::Value::Number(n) => n.as_i64().map(cel::Value::Int).or_else(|| n.as_f64().map(cel::Value::Float)),
        _ => None,
    }
}

impl Service {
    /// Compiles the expressions of `definition`, published as `version`.
    pub fn new(definition: ServiceDefinition, version: u32) -> Result<Self, ServiceError> {
        let mut rules = HashMap::new();
        for rule in &definition.rules {
            rules.insert(rule.code.clone(), compile(format!("rule {}", rule.code), &rule.check)?);
        }
        let mut field_conditions = HashMap::new();
        for field in &definition.fields {
            if let Some(when) = &field.when {
                field_conditions.insert(field.code.clone(), compile(format!("field {}", field.code), when)?);
            }
        }
        let mut requirement_conditions = HashMap::new();
        for req in &definition.persyaratan {
            if let Some(when) = &req.when {
                requirement_conditions.insert(req.code.clone(), compile(format!("requirement {}", req.code), when)?);
            }
        }
        Ok(Service {
            definition,
            version,
            env: Arc::new(cel::Env::stdlib()),
            rules,
            field_conditions,
            requirement_conditions,
        })
    }

    /// The definition.
    pub fn definition(&self) -> &ServiceDefinition {
        &self.definition
    }

    /// Whether the rule `rule` reads the value `name` (a field, derived value or fact), from its compiled
    /// program: what a client is told a fact feeds, without compiling the rule again per request.
    pub fn rule_reads(&self, rule: &str, name: &str) -> bool {
        self.rules.get(rule).is_some_and(|program| program.references().variables().contains(&name))
    }

    /// The version number.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The step with this code.
    pub fn step(&self, code: &str) -> Option<&Step> {
        self.definition.prosedur.iter().find(|s| s.code == code)
    }

    /// Where a step stands in the procedure (for telling forward moves from backward ones).
    pub fn step_index(&self, code: &str) -> Option<usize> {
        self.definition.prosedur.iter().position(|s| s.code == code)
    }

    /// Runs a program; `None` when a value it reads is unknown or the result is not a boolean.
    fn evaluate(&self, program: &cel::Program, bindings: &Bindings<'_>) -> Option<bool> {
        let mut context = cel::Context::with_env(self.env.clone());
        for (name, value) in bindings.data {
            if let Some(v) = to_cel(value) {
                context.add_variable_from_value(name.clone(), v);
            }
        }
        if let Some(usia) = bindings.derived.usia {
            context.add_variable_from_value("usia", usia);
        }
        if let Some(sex) = &bindings.derived.jenis_kelamin {
            context.add_variable_from_value("jenis_kelamin", sex.clone());
        }
        for (fact, value) in bindings.facts {
            match value {
                FactValue::Bool(b) => context.add_variable_from_value(fact.name(), *b),
                FactValue::Int(i) => context.add_variable_from_value(fact.name(), *i),
            }
        }
        match program.execute(&context) {
            Ok(cel::Value::Bool(b)) => Some(b),
            _ => None,
        }
    }

    /// Whether a field applies: it has no condition, or its condition is true (an unknown condition is false).
    pub fn field_applies(&self, field: &Field, bindings: &Bindings<'_>) -> bool {
        self.field_conditions.get(&field.code).is_none_or(|p| self.evaluate(p, bindings) == Some(true))
    }

    /// Whether a requirement applies, as for fields.
    pub fn requirement_applies(&self, requirement: &Requirement, bindings: &Bindings<'_>) -> bool {
        self.requirement_conditions.get(&requirement.code).is_none_or(|p| self.evaluate(p, bindings) == Some(true))
    }

    /// Checks one rule.
    pub fn check_rule(&self, code: &str, bindings: &Bindings<'_>) -> Option<RuleResult> {
        let rule = self.definition.rules.iter().find(|r| r.code == code)?;
        let outcome = match self.rules.get(code).and_then(|p| self.evaluate(p, bindings)) {
            Some(true) => RuleOutcome::Pass,
            Some(false) => RuleOutcome::Fail,
            None => RuleOutcome::Unknown,
        };
        let message = (outcome != RuleOutcome::Pass).then(|| rule.message.clone());
        Some(RuleResult { rule: rule.code.clone(), outcome, severity: rule.severity, message })
    }
}
