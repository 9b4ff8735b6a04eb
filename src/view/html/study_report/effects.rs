//! The study report's factorial sections: the effects table and the plain
//! reading of each effect, claiming no more than its interval supports.

use super::*;
use crate::analysis::materiality;
use crate::study::label::ParamLabel;

// ---------------------------------------------------------------- factorial

pub(super) fn effect_of<'a>(study: &'a Study, term: &str, outcome: Outcome) -> Option<&'a Effect> {
    study.effects.iter().find(|e| e.outcome == outcome && e.term == term)
}

/// The outcomes of the effects table: those with any effect row.
pub(super) fn effect_outcomes(study: &Study) -> Vec<Outcome> {
    TABLED.into_iter().filter(|o| study.effects.iter().any(|e| e.outcome == *o)).collect()
}

pub(super) fn order_word(order: u32) -> String {
    match order {
        1 => "main effect".into(),
        2 => "two-way".into(),
        3 => "three-way".into(),
        n => format!("{n}-way"),
    }
}

/// `material (threshold 100)`: the size verdict of an effect, or "".
pub(super) fn size_text(e: &Effect, outcome: Outcome) -> String {
    match (e.materiality, e.threshold) {
        (Some(m), Some(t)) => {
            format!("{}, threshold {}", m.as_str(), diff(outcome, t).trim_start_matches('+'))
        }
        _ => String::new(),
    }
}

/// `estimate (95% CI a to b; material, threshold t)`, or why there is none.
pub(super) fn effect_text(e: &Effect, outcome: Outcome) -> String {
    let size = size_text(e, outcome);
    let size = if size.is_empty() { size } else { format!("; {size}") };
    match (e.estimate, e.ci_low, e.ci_high) {
        (Some(m), Some(a), Some(b)) => {
            format!("{} (95% CI {}{size})", diff(outcome, m), interval(outcome, a, b))
        }
        (Some(m), _, _) => {
            format!("{} (no interval: {})", diff(outcome, m), count(e.n as u64, "replicate", "replicates"))
        }
        _ => format!(
            "not estimable ({} with values in every cell needed)",
            count(e.n as u64, "replicate", "replicates")
        ),
    }
}

pub(super) fn effects(study: &Study) -> Markup {
    let terms = effect_terms(study);
    if terms.is_empty() {
        return html! {
            section #effects {
                h2 { "What matters: effects" }
                p { "This study has no effects to report." }
            }
        };
    }
    let refs: Vec<Markup> = study
        .factors
        .iter()
        .filter_map(|f| {
            Some(html! { b { (ParamLabel::plain(&f.name).name) } " at “" (f.levels.first()?) "”" })
        })
        .collect();
    let outs = effect_outcomes(study);
    html! {
        section #effects {
            h2 { "What matters: effects" }
            p {
                "Effects are measured from the reference levels (" (and_list(&refs)) "). A main effect is the change from moving one factor off its reference level; a two-way interaction is what two factors moved together add beyond the sum of each moved alone; a three-way interaction is what all three add beyond every pair and every single factor. Each is averaged over the levels of the factors it does not involve. Positive means more of the outcome. Consolidation effects are in percentage points (pp) of runs."
            }
            @for outcome in TOLD {
                @if let Some(p) = factorial_reading(study, outcome) {
                    div.finding { (p) }
                }
            }
            div.scroll {
                table {
                    thead {
                        tr {
                            th { "term" }
                            th { "kind" }
                            @for o in &outs {
                                th.num {
                                    (o.heading())
                                    @if let Some(t) = threshold_of(study, *o) {
                                        span.ci { "material: ≥ " (diff(*o, t).trim_start_matches('+')) }
                                    }
                                }
                            }
                        }
                    }
                    tbody {
                        @for (term, order) in &terms {
                            tr {
                                td { (term_label(term)) }
                                td.kind { @if *order == 1 { "main" } @else { (order) "-way" } }
                                @for o in &outs { (effect_cell(effect_of(study, term, *o), *o)) }
                            }
                        }
                    }
                }
            }
            p.note {
                "Bold: the 95% interval excludes zero. Under each estimate: its interval and its size verdict against the threshold in the column heading (material, detectable but small, negligible, inconclusive; see “How to read this”). n/a: not estimable (no replicate had a value in every cell the contrast needs, e.g. months to consolidation when some cells never consolidate)."
            }
        }
    }
}

/// One cell of the effects table.
pub(super) fn effect_cell(e: Option<&Effect>, o: Outcome) -> Markup {
    match e {
        Some(e) if e.estimate.is_some() => {
            let class = if excludes_zero(e.ci_low, e.ci_high) { "num clear" } else { "num" };
            html! {
                td class=(class) {
                    (diff(o, e.estimate.unwrap_or(0.0)))
                    @if let (Some(a), Some(b)) = (e.ci_low, e.ci_high) { span.ci { (interval(o, a, b)) } }
                    @if let Some(m) = e.materiality { span.ci { (m.as_str()) } }
                }
            }
        }
        Some(_) => html! { td.num { "n/a" } },
        None => html! { td.num { "—" } },
    }
}

/// The threshold of a material effect on an outcome (the same for every term).
pub(super) fn threshold_of(study: &Study, outcome: Outcome) -> Option<f64> {
    study.effects.iter().find(|e| e.outcome == outcome).and_then(|e| e.threshold)
}

/// `a`, `a and b`, `a, b and c` of pieces of markup.
pub(super) fn and_list(items: &[Markup]) -> Markup {
    html! {
        @for (i, item) in items.iter().enumerate() {
            @if i > 0 { @if i + 1 == items.len() { " and " } @else { ", " } }
            (item)
        }
    }
}

/// The factor names of an effect, as code.
pub(super) fn factor_names(study: &Study, e: &Effect) -> Vec<Markup> {
    e.factors.iter().map(|&f| factor_code(study, f)).collect()
}

/// A factor's name as code (`?` if there is no such factor).
pub(super) fn factor_code(study: &Study, f: usize) -> Markup {
    match study.factors.get(f) {
        Some(f) => html! { b { (ParamLabel::plain(&f.name).name) } },
        None => html! { "?" },
    }
}

/// The plain-language reading of a factorial for one outcome: which
/// factors matter alone, which only together, and whether the highest
/// interaction (the confluence) matters beyond the rest; judged only by
/// whether 95% intervals exclude zero.
pub(super) fn factorial_reading(study: &Study, outcome: Outcome) -> Option<Markup> {
    let rows: Vec<&Effect> = study.effects.iter().filter(|e| e.outcome == outcome).collect();
    if rows.is_empty() {
        return None;
    }
    let what = outcome.phrase();
    let mut parts: Vec<Markup> = Vec::new();
    let mains: Vec<&&Effect> = rows.iter().filter(|e| e.order == 1).collect();
    let clear_mains: Vec<Markup> = mains
        .iter()
        .filter(|e| excludes_zero(e.ci_low, e.ci_high))
        .map(|e| html! { b { (term_label(&e.term)) } " changes it by " (effect_text(e, outcome)) })
        .collect();
    let unclear_mains: Vec<Markup> = mains
        .iter()
        .filter(|e| !excludes_zero(e.ci_low, e.ci_high))
        .map(|e| html! { b { (term_label(&e.term)) } })
        .collect();
    let one = unclear_mains.len() == 1;
    parts.push(html! {
        b { (capitalise(what)) "." } " "
        @if clear_mains.is_empty() {
            "Every main effect's 95% interval includes zero: no evidence that any single factor moves it on its own."
        } @else {
            "Main effects: " (and_list(&clear_mains)) "."
            @if !unclear_mains.is_empty() {
                " For " (and_list(&unclear_mains)) ", the main effect" (if one { "'s" } else { "s'" }) " interval"
                (if one { "" } else { "s" }) " include" (if one { "s" } else { "" }) " zero: no evidence of an effect on " (if one { "its" } else { "their" }) " own."
            }
        }
    });
    // Interactions below the highest order (or all of them when only pairs exist).
    let max_order = rows.iter().map(|e| e.order).max().unwrap_or(1);
    let inter: Vec<&&Effect> =
        rows.iter().filter(|e| e.order >= 2 && (e.order < max_order || max_order == 2)).collect();
    let clear_inter: Vec<&&Effect> =
        inter.iter().copied().filter(|e| excludes_zero(e.ci_low, e.ci_high)).collect();
    if !inter.is_empty() {
        if clear_inter.is_empty() {
            parts.push(html! {
                "No two-way interaction's interval excludes zero: no evidence that any pair does more (or less) together than the sum of each alone"
                @if max_order != 2 { " (the three-way term is below)" }
                "."
            });
        } else {
            let list: Vec<Markup> = clear_inter
                .iter()
                .map(|e| html! { (and_list(&factor_names(study, e))) " together add " (effect_text(e, outcome)) })
                .collect();
            parts.push(html! { "Beyond the sum of each alone, " (and_list(&list)) "." });
        }
    }
    // Factors that matter only together: in a clear interaction, with no clear main effect.
    let mut only_together: Vec<usize> = Vec::new();
    for e in rows.iter().filter(|e| e.order >= 2 && excludes_zero(e.ci_low, e.ci_high)) {
        for &f in &e.factors {
            let main_clear =
                mains.iter().any(|m| m.factors.contains(&f) && excludes_zero(m.ci_low, m.ci_high));
            let name = factor_code(study, f).into_string();
            let seen = only_together.iter().any(|&g| factor_code(study, g).into_string() == name);
            if !main_clear && !seen {
                only_together.push(f);
            }
        }
    }
    if !only_together.is_empty() {
        let names: Vec<Markup> = only_together.iter().map(|&f| factor_code(study, f)).collect();
        parts.push(html! {
            (and_list(&names)) " " (if names.len() == 1 { "matters" } else { "matter" }) " only in combination: no clear effect alone, but part of an interaction whose interval excludes zero."
        });
    }
    // The confluence: the highest-order interaction.
    if max_order >= 2 {
        for e in rows.iter().filter(|e| e.order == max_order) {
            let head = html! {
                "The " (order_word(max_order)) " interaction of " (and_list(&factor_names(study, e))) " (the confluence)"
            };
            parts.push(match (e.estimate, e.ci_low, e.ci_high) {
                (Some(_), Some(a), Some(b)) if a > 0.0 || b < 0.0 => html! {
                    (head) " is " (effect_text(e, outcome)) ", which excludes zero: together they move " (what) " "
                    (if e.estimate.unwrap_or(0.0) > 0.0 { "further up" } else { "further down" })
                    " than the sum of the singles" (if max_order > 2 { " and pairs" } else { "" }) " predicts."
                },
                (Some(_), Some(_), Some(_)) => html! {
                    (head) " is " (effect_text(e, outcome)) ", which includes zero: no evidence that the confluence matters beyond the sum of the single drivers"
                    (if max_order > 2 { " and their pairwise interactions" } else { "" }) "."
                },
                _ => html! { (head) " is " (effect_text(e, outcome)) "." },
            });
        }
    }
    if let Some((n, m, lo, hi)) = joint_excess(study, outcome) {
        let size = materiality::classify(Some(m), Some(lo), Some(hi), threshold_of(study, outcome))
            .map(|v| format!(" Its size: {}.", v.as_str()))
            .unwrap_or_default();
        let verdict = if lo > 0.0 || hi < 0.0 {
            "which excludes zero: the drivers together differ from the sum of their single effects"
        } else {
            "which includes zero: no evidence that the drivers together differ from the sum of their single effects"
        };
        parts.push(html! {
            "All drivers together, measured against the sum of each driver alone (all interactions at once, over "
            (count(n as u64, "replicate", "replicates")) "): " (diff(outcome, m)) " (95% CI " (interval(outcome, lo, hi))
            "), " (verdict) "." (size)
        });
    }
    let head = parts.remove(0);
    Some(html! {
        p { (head) }
        @if !parts.is_empty() {
            ul { @for p in &parts { li { (p) } } }
        }
    })
}

/// An outcome's phrase as the start of a sentence: `the final HHI` → `Final HHI`.
pub(super) fn capitalise(s: &str) -> String {
    format::capitalise(s.strip_prefix("the ").unwrap_or(s))
}

/// For a factorial with three or more factors: the all-last-levels cell
/// minus the reference, minus the sum of each factor's single change
/// (everything the interactions add at once), per replicate; its mean
/// with a Student t 95% interval as (replicates, mean, low, high).
pub(super) fn joint_excess(study: &Study, outcome: Outcome) -> Option<(usize, f64, f64, f64)> {
    let k = study.factors.len();
    if k < 3 {
        return None;
    }
    let o = outcome.index();
    let column = |f: usize| study.params.iter().position(|p| p.column == study.factors[f].name).unwrap_or(f);
    let top: Vec<usize> = study.factors.iter().map(|f| f.levels.len().saturating_sub(1)).collect();
    if top.contains(&0) {
        return None;
    }
    // The cell whose factor f is at level want[f].
    let cell_at = |want: &[usize]| {
        study.cells.iter().find(|c| {
            (0..k).all(|f| {
                c.numeric.get(column(f)).copied().flatten().map(|v| v.round() as usize) == Some(want[f])
            })
        })
    };
    let reference = cell_at(&vec![0; k])?.id;
    let joint = cell_at(&top)?.id;
    let singles: Vec<u32> = (0..k)
        .map(|f| {
            let mut want = vec![0; k];
            want[f] = top[f];
            cell_at(&want).map(|c| c.id)
        })
        .collect::<Option<_>>()?;
    let value = |cell: u32, rep: u32| {
        study
            .runs
            .iter()
            .find(|r| r.cell == cell && r.replicate == rep)
            .and_then(|r| r.outcomes.get(o).copied().flatten())
    };
    let mut xs = Vec::new();
    for rep in 0..study.replicates {
        let Some(y0) = value(reference, rep) else { continue };
        let Some(yj) = value(joint, rep) else { continue };
        let Some(sum) = singles.iter().map(|&c| value(c, rep).map(|y| y - y0)).sum::<Option<f64>>() else {
            continue;
        };
        xs.push(yj - y0 - sum);
    }
    let (m, _, lo, hi) = stats::mean_ci(&xs);
    Some((xs.len(), m?, lo?, hi?))
}
