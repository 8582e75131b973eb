//! `wfm scenario`: what-if variants side by side with the baseline.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wfm::staffing::plan::Precision;
use wfm::staffing::scenario;

use super::staff::PolicyArgs;
use super::{emit, Format, OutputArgs};

/// Arguments of `wfm scenario`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "One row per scenario (baseline first): fte, agent_hours, achieved \
service_level / asa_seconds / occupancy / abandon_rate when staffed for the variant, their \
deltas against the baseline, and hit_*: the baseline's agents evaluated under the variant \
(staffed for the baseline, hit by the variant). service_level = answered within the threshold \
÷ offered; asa_seconds = mean wait of answered calls."
)]
pub(crate) struct Args {
    /// Interval table: `wfm ingest` output, actuals, or `wfm forecast` output (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// The what-if variants (see models/scenarios.toml).
    #[arg(long, value_name = "FILE")]
    scenarios: PathBuf,
    #[command(flatten)]
    policy: Box<PolicyArgs>,
    #[command(flatten)]
    output: OutputArgs,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let cfg = args.policy.config()?;
    let input = args
        .policy
        .input(&args.input, &wfm::staffing::plan::ReadOptions::default())?;
    let variants = scenario::read_scenarios(&args.scenarios)
        .with_context(|| format!("failed to load `{}`", args.scenarios.display()))?;
    let report = scenario::run(&input, &cfg, &variants)
        .with_context(|| format!("failed to run the scenarios on `{}`", args.input.display()))?;
    let human = args.output.out.is_none() && matches!(args.output.format, Format::Table);
    let precision = if human {
        Precision::Display
    } else {
        Precision::Full
    };
    let mut inputs = args.policy.inputs(&args.input);
    inputs.push(args.scenarios.clone());
    emit(&report.to_table(precision), &args.output, &inputs)?;
    if let Some(out) = &args.output.out {
        let mut meta_path = out.as_os_str().to_owned();
        meta_path.push(".meta.json");
        let meta_path = PathBuf::from(meta_path);
        let columns: serde_json::Map<String, serde_json::Value> = scenario::definitions()
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
            .collect();
        let meta = serde_json::json!({
            "input": args.input.display().to_string(),
            "scenarios": args.scenarios.display().to_string(),
            "config": cfg.source().map(|p| p.display().to_string()),
            "names": report.outcomes.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
            "columns": columns,
        });
        let text = serde_json::to_string_pretty(&meta)? + "\n";
        wfm::table::write_atomic(&meta_path, text.as_bytes(), &inputs)
            .with_context(|| format!("failed to write `{}`", meta_path.display()))?;
    }
    if input.aht_filled() > 0 {
        eprintln!(
            "warning: {} intervals had calls but no handle time (all abandoned); their queue's mean AHT was used",
            input.aht_filled()
        );
    }
    eprintln!(
        "note: service_level = answered within the threshold ÷ offered (Erlang A: abandons count against); asa_seconds = mean wait of answered calls; hit_* = baseline agents under the variant"
    );
    Ok(ExitCode::SUCCESS)
}
