//! One vocabulary across the commands (issue #12 "One vocabulary"): `--sl TARGET/THRESHOLD` on
//! every command with a service level, `--out` and `--format` on every command, exit code 2 for
//! every invalid argument value, and the schedule's output directory.

use std::process::{Command, Output};

fn wfm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
        .current_dir(std::env::temp_dir())
        .args(args)
        .output()
        .expect("wfm runs")
}

fn help(cmd: &[&str]) -> String {
    let mut a = cmd.to_vec();
    a.push("--help");
    let o = wfm(&a);
    assert!(o.status.success(), "{cmd:?} --help");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const WITH_SL: [&[&str]; 9] = [
    &["ingest", "calls"],
    &["ingest", "intervals"],
    &["staff"],
    &["evaluate"],
    &["scenario"],
    &["schedule"],
    &["simulate"],
    &["calibrate"],
    &["audit"],
];

/// Every subcommand (checked against `wfm --help` below, so that a new one is not missed).
const ALL: [&[&str]; 13] = [
    &["ingest", "calls"],
    &["ingest", "intervals"],
    &["forecast"],
    &["backtest"],
    &["staff"],
    &["evaluate"],
    &["simulate"],
    &["capacity"],
    &["scenario"],
    &["schedule"],
    &["calibrate"],
    &["audit"],
    &["demo"],
];

#[test]
fn every_command_has_out_and_format_and_sl_where_it_has_a_service_level() {
    let top = help(&[]);
    for flag in [
        "--out FILE",
        "--format table|csv|json",
        "--sl TARGET/THRESHOLD",
    ] {
        assert!(
            top.contains(flag),
            "wfm --help does not name {flag}:\n{top}"
        );
    }
    // The subcommands `wfm --help` lists are the ones checked here.
    let mut listed: Vec<&str> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    listed.sort();
    let mut checked: Vec<&str> = ALL.iter().map(|c| c[0]).collect();
    checked.sort();
    checked.dedup();
    assert_eq!(listed, checked, "the subcommands of wfm --help");
    for cmd in ALL {
        let h = help(cmd);
        assert!(h.contains("--out"), "{cmd:?} has no --out:\n{h}");
        assert!(h.contains("--format"), "{cmd:?} has no --format:\n{h}");
    }
    for cmd in WITH_SL {
        let h = help(cmd);
        assert!(
            h.contains("--sl <TARGET/THRESHOLD>"),
            "{cmd:?} has no --sl:\n{h}"
        );
        // the old spellings are hidden aliases
        for old in [
            "--sl-target",
            "--sl-seconds",
            "--sl-threshold",
            "--threshold",
            "--threshold-seconds",
        ] {
            assert!(!h.contains(old), "{cmd:?} still shows {old}");
        }
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

#[test]
fn invalid_argument_values_exit_2_and_say_what_to_write() {
    let cases: [(&[&str], &str); 12] = [
        (&["staff", "--input", "x.csv", "--sl", "90"], "80/20"),
        (
            &["staff", "--input", "x.csv", "--sl", "0.8/20"],
            "write 80/20",
        ),
        (&["staff", "--input", "x.csv", "--sl", "80/abc"], "80/20"),
        (
            &["staff", "--input", "x.csv", "--shrinkage", "1.5"],
            "--shrinkage",
        ),
        (
            &["staff", "--input", "x.csv", "--concurrency", "0.5"],
            "--concurrency",
        ),
        (
            &["audit", "--period", "1999-13", "--actuals", "x.csv"],
            "--period",
        ),
        (
            &[
                "schedule",
                "--requirement",
                "r.csv",
                "--shifts",
                "s.toml",
                "--mip-gap",
                "2",
            ],
            "--mip-gap",
        ),
        (
            &[
                "schedule",
                "--requirement",
                "r.csv",
                "--shifts",
                "s.toml",
                "--out",
                "s.csv",
            ],
            "directory",
        ),
        (&["staff", "--input", "x.csv", "--out", "x.xyz"], ".xyz"),
        (
            &[
                "simulate",
                "--demand",
                "d.csv",
                "--staffing",
                "s.csv",
                "--sl",
                "80",
            ],
            "80/20",
        ),
        (
            &[
                "calibrate",
                "--actuals",
                "a.csv",
                "--agent-states",
                "s.csv",
                "--out",
                "c.toml",
                "--sl",
                "80/0",
            ],
            "outside 1 s",
        ),
        (
            &[
                "calibrate",
                "--actuals",
                "a.csv",
                "--agent-states",
                "s.csv",
                "--out",
                "c.toml",
                "--format",
                "xml",
            ],
            "--format",
        ),
    ];
    for (args, needle) in cases {
        let o = wfm(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn old_flags_still_work_as_hidden_aliases() {
    // --sl-target now also takes a percentage; parse errors name the new spelling
    let o = wfm(&[
        "staff",
        "--input",
        "missing.csv",
        "--sl-target",
        "80",
        "--sl-seconds",
        "20",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    // the flags are accepted: the failure is the missing input (exit 1), not usage (2)
    assert_eq!(code(&o), 1, "{err}");
    assert!(err.contains("missing.csv"), "{err}");
    let o = wfm(&[
        "staff",
        "--input",
        "missing.csv",
        "--sl",
        "80/20",
        "--sl-target",
        "0.8",
    ]);
    assert_eq!(
        code(&o),
        2,
        "--sl and --sl-target together are a usage error"
    );
}

#[test]
fn scenario_volume_written_as_a_percentage_is_an_error_saying_how_to_write_it() {
    let dir = std::env::temp_dir().join(format!("wfm-vocab-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scen = dir.join("scen.toml");
    std::fs::write(
        &scen,
        "schema_version = 1\n[[scenario]]\nname = \"volume +10%\"\nvolume = 10\n",
    )
    .unwrap();
    let input = dir.join("in.csv");
    std::fs::write(
        &input,
        "interval_start,queue,offered,aht_seconds\n2026-01-05T09:00:00,q,100,180\n2026-01-05T09:30:00,q,100,180\n",
    )
    .unwrap();
    let o = wfm(&[
        "scenario",
        "--input",
        input.to_str().unwrap(),
        "--scenarios",
        scen.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_ne!(code(&o), 0, "{err}");
    assert!(err.contains("volume") && err.contains("1.10"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sl_is_the_same_as_the_old_flags_and_percentages_show_only_in_table_output() {
    let dir = std::env::temp_dir().join(format!("wfm-vocab-sl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.csv");
    std::fs::write(
        &input,
        "interval_start,queue,offered,aht_seconds\n2026-01-05T09:00:00,q,100,180\n2026-01-05T09:30:00,q,120,180\n",
    )
    .unwrap();
    let inp = input.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut a = vec!["staff", "--input", inp, "--quiet"];
        a.extend_from_slice(extra);
        let o = wfm(&a);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let new = run(&["--sl", "90/15", "--format", "csv"]);
    let old = run(&[
        "--sl-target",
        "0.9",
        "--sl-seconds",
        "15",
        "--format",
        "csv",
    ]);
    let pct = run(&[
        "--sl-target",
        "90%",
        "--sl-seconds",
        "15",
        "--format",
        "csv",
    ]);
    assert_eq!(new, old);
    assert_eq!(new, pct);
    let default = run(&["--format", "csv"]);
    assert_ne!(new, default, "a 90/15 target staffs differently from 80/20");
    // CSV: service_level a fraction; table: a percentage
    let mut rdr = csv::Reader::from_reader(new.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let c = h.iter().position(|x| x == "service_level").unwrap();
    for r in rdr.records() {
        let v: f64 = r.unwrap()[c].parse().unwrap();
        assert!((0.9..=1.0).contains(&v), "{v}");
    }
    let table = run(&["--sl", "90/15"]);
    assert!(table.contains(" %"), "{table}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn simulate_sl_is_the_old_threshold_and_sets_the_horizon_against_its_target() {
    let dir = std::env::temp_dir().join(format!("wfm-vocab-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("plan.csv");
    let mut text = String::from("interval_start,queue,offered,aht_seconds,agents\n");
    for m in [0, 30] {
        text.push_str(&format!("1999-01-04T09:{m:02}:00,A,40,180,5\n"));
    }
    std::fs::write(&input, text).unwrap();
    let f = input.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut a = vec![
            "simulate",
            "--demand",
            f,
            "--staffing",
            f,
            "--reps",
            "5",
            "--format",
            "csv",
        ];
        a.extend_from_slice(extra);
        let o = wfm(&a);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        (String::from_utf8(o.stdout).unwrap(), err)
    };
    let (new, err) = run(&["--sl", "80/20"]);
    let (old, _) = run(&["--threshold-seconds", "20"]);
    assert_eq!(
        new, old,
        "--sl 80/20 measures at 20 s as --threshold-seconds 20"
    );
    let (other, _) = run(&["--sl", "80/5"]);
    assert_ne!(
        new, other,
        "a 5-s threshold measures a different service level"
    );
    assert!(
        err.contains("A: service level") && err.contains("against the target 80/20"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
