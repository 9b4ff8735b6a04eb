//! The study report's Latin-hypercube section: the sensitivity table and
//! its plain reading.

use super::*;

// ---------------------------------------------------------------- Latin hypercube

/// The parameters ranked by |ρ| for `outcome` (as the console and the chart rank them).
pub(super) fn sensitivity_rows(study: &Study, outcome: Outcome) -> Vec<&Sensitivity> {
    aggregate::ranking(study, outcome)
}

pub(super) fn param_code(study: &Study, p: usize) -> Markup {
    match study.params.get(p) {
        Some(_) => html! { (param_title(study, p)) },
        None => html! { "?" },
    }
}

pub(super) fn sensitivity(study: &Study) -> Markup {
    if study.sensitivity.is_empty() {
        return html! {
            section #sensitivity {
                h2 { "What matters: sensitivity" }
                p { "This study has no sensitivity results to report." }
            }
        };
    }
    let tabled = [
        Outcome::FinalIndependentFirms,
        Outcome::Consolidated,
        Outcome::FinalHhi,
        Outcome::MonthsToConsolidation,
    ];
    html! {
        section #sensitivity {
            h2 { "What matters: sensitivity" }
            p {
                "For each outcome, the Spearman rank correlation ρ of each parameter with the outcome over the design points (each point's replicates averaged, so n = points, not runs; −1 to +1: how consistently a higher value goes with a higher outcome), with its 95% interval, and the standardised regression coefficient (SRC) of a linear model in all parameters together; R² says how much of the outcome's variation that linear model explains."
            }
            @for outcome in TOLD {
                @let rows = sensitivity_rows(study, outcome);
                @if !rows.is_empty() {
                    div.finding { p { (sensitivity_sentence(study, outcome, &rows)) } }
                }
            }
            @for outcome in tabled {
                @let rows = sensitivity_rows(study, outcome);
                @if !rows.is_empty() {
                    h3 {
                        (outcome.heading())
                        @if let Some(r) = rows.iter().find_map(|s| s.r2) {
                            " " span.note { "(linear model R² = " (format!("{r:.2}")) ")" }
                        }
                    }
                    div.scroll {
                        table {
                            thead {
                                tr {
                                    th { "parameter" }
                                    th.num { "Spearman ρ" }
                                    th.num { "95% CI" }
                                    th.num { "SRC" }
                                    th.num { "points" }
                                }
                            }
                            tbody {
                                @for s in rows.iter().take(TOP_PARAMS) {
                                    tr {
                                        td { (param_code(study, s.param)) }
                                        td class=(if excludes_zero(s.ci_low, s.ci_high) { "num clear" } else { "num" }) {
                                            (s.spearman.map_or("n/a".to_string(), rho))
                                        }
                                        td.num {
                                            @match (s.ci_low, s.ci_high) {
                                                (Some(a), Some(b)) => { (rho(a)) " to " (rho(b)) }
                                                _ => "—",
                                            }
                                        }
                                        td.num { (s.src.map_or("—".to_string(), rho)) }
                                        td.num { (thousands(s.n as u64)) }
                                    }
                                }
                            }
                        }
                    }
                    @if rows.len() > TOP_PARAMS {
                        p.note {
                            "The " (TOP_PARAMS) " parameters with the largest |ρ| of " (rows.len()) "; the rest are in "
                            code { "effects.csv" } "."
                        }
                    }
                }
            }
            p.note {
                "Bold: the 95% interval of ρ excludes zero. n/a: no rank correlation (the outcome or the parameter was constant over the runs)."
            }
        }
    }
}

pub(super) fn sensitivity_sentence(study: &Study, outcome: Outcome, rows: &[&Sensitivity]) -> Markup {
    let what = outcome.phrase();
    let clear: Vec<Markup> = rows
        .iter()
        .filter(|s| excludes_zero(s.ci_low, s.ci_high))
        .take(3)
        .map(|s| {
            html! {
                (param_code(study, s.param)) " (ρ = " (rho(s.spearman.unwrap_or(0.0))) ", 95% CI "
                (rho(s.ci_low.unwrap_or(0.0))) " to " (rho(s.ci_high.unwrap_or(0.0))) ")"
            }
        })
        .collect();
    let r2 = rows.iter().find_map(|s| s.r2);
    let n_clear = rows.iter().filter(|s| excludes_zero(s.ci_low, s.ci_high)).count();
    html! {
        b { (capitalise(what)) "." } " "
        @if clear.is_empty() {
            "No parameter's rank correlation with " (what) " has a 95% interval that excludes zero."
        } @else {
            "The most influential " (if clear.len() == 1 { "parameter is" } else { "parameters are" }) " "
            (and_list(&clear)) "."
            " In all, " (n_clear) " of the " (rows.len()) " parameters have a rank correlation whose 95% interval excludes zero."
        }
        @if let Some(r2) = r2 {
            " A linear model in all parameters explains R² = " (format!("{r2:.2}")) " of its variation"
            @if r2 < 0.5 { " (much of the rest is nonlinear, interactions or run-to-run chance)" }
            "."
        }
    }
}
