//! The report's charts, one file each.

pub(crate) mod accuracy_heatmap;
pub(crate) mod asa_daily;
pub(crate) mod asa_heatmap;
pub(crate) mod capacity;
pub(crate) mod day_forecast;
pub(crate) mod forecast_daily;
pub(crate) mod heat;
pub(crate) mod intraday;
pub(crate) mod model_check;
pub(crate) mod occupancy;
pub(crate) mod scenarios;
pub(crate) mod scorecard;
pub(crate) mod service_daily;
pub(crate) mod shift_gantt;
pub(crate) mod sl_heatmap;
pub(crate) mod staffing_daily;
pub(crate) mod trend;
pub(crate) mod week_coverage;
