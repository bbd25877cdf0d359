//! Expressions in definitions: Common Expression Language (CEL), through the maintained `cel` crate.
//!
//! CEL is made for exactly this: small, side-effect-free, always-terminating conditions over data supplied by
//! the host. An expression cannot read files, loop forever or call anything the host did not register.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A CEL expression as written in a definition, e.g. `dtsen_desil >= 1 && dtsen_desil <= 5`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Expression(pub String);

/// Why an expression could not be compiled.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ExpressionError {
    /// What the parser said.
    pub message: String,
}

impl Expression {
    /// The source text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compiles the expression into a program the engine can run.
    pub fn compile(&self) -> Result<cel::Program, ExpressionError> {
        cel::Program::compile(&self.0).map_err(|e| ExpressionError {
            message: e.to_string().lines().next().unwrap_or("invalid expression").to_string(),
        })
    }

    /// The variable names the expression reads, sorted, each once.
    pub fn variables(&self) -> Result<Vec<String>, ExpressionError> {
        let program = self.compile()?;
        let mut names: Vec<String> = program.references().variables().into_iter().map(str::to_string).collect();
        names.sort();
        names.dedup();
        Ok(names)
    }
}

impl std::fmt::Display for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
