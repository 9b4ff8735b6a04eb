//! Step 8 of the month: venture funding. Investors receive new capital;
//! every firm is valued; startups short of runway (or carrying chip-backed
//! loans) pitch to a few investors, who judge them on leaderboard rank and
//! traction against a bar set by their risk appetite and the climate. A round
//! valuing a firm at or above the world's bar repays its chip-backed loans.

use super::params::{Bookkeeping, Context};
use crate::sim::components::*;
use crate::sim::formulas::{round_size, valuation};
use crate::sim::output::{Payload, Repayment};
use crate::sim::resources::*;
use crate::world::{InvestorKind, Tier};
use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::{Distribution, Normal};

/// Rank percentile (0 = lowest, 1 = highest) of each value; ties keep index order.
fn percentiles(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut pct = vec![0.0; n];
    let denom = (n.max(2) - 1) as f64;
    for (rank, i) in idx.into_iter().enumerate() {
        pct[i] = rank as f64 / denom;
    }
    pct
}

/// An investor's score of a pitch, 0..1: leaderboard standing (benchmark as
/// a fraction of the frontier's) weighted by the investor's trust in
/// leaderboards, the rest on traction (revenue rank percentile):
/// `score = τ · B / B_max + (1 − τ) · pct(revenue)`.
pub fn pitch_score(benchmark: f64, frontier: f64, traction_pct: f64, trust: f64) -> f64 {
    let standing = if frontier > 0.0 { (benchmark / frontier).clamp(0.0, 1.0) } else { 0.0 };
    trust * standing + (1.0 - trust) * traction_pct
}

/// What investors look at in a firm, and what a round changes.
type Pitch<'a> = (
    &'a Firm,
    &'a Profile,
    &'a mut Treasury,
    &'a mut Debts,
    &'a mut Equity,
    &'a Compute,
    &'a Workforce,
    &'a Capability,
    &'a Sales,
);

/// Investors receive new capital; every active firm is valued and, in id
/// order, those short of runway (or carrying chip-backed loans) pitch.
pub fn raise_funding(
    ctx: Context,
    bk: Bookkeeping,
    mut rng: ResMut<SimRng>,
    mut investors: ResMut<Investors>,
    mut firms: Query<Pitch, With<Active>>,
) {
    let Context { clock, params, roster, active } = ctx;
    let Bookkeeping { mut books, mut stats, mut out } = bk;
    let w = &params.0;
    let f = &w.funding;
    let tick = clock.tick;
    let rng = &mut rng.0;
    for inv in investors.iter_mut() {
        inv.dry_powder_musd += inv.inflow_musd_month;
        books.add(Flow::LpCommitments, inv.inflow_musd_month);
    }

    let mut bench = Vec::with_capacity(active.0.len());
    let mut traction = Vec::with_capacity(active.0.len());
    for (.., cap, sales) in firms.iter_many(&active.0).flatten() {
        bench.push(cap.benchmark);
        traction.push(sales.revenue_musd);
    }
    let traction_pct = percentiles(&traction);
    let mut sorted = bench.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let frontier = sorted.last().copied().unwrap_or(0.0);
    stats.median_benchmark = median;

    let noise = Normal::new(0.0, f.judgement_noise.max(0.0)).ok();
    let n_inv = investors.len();
    let mut walk = firms.iter_many_mut(&active.0);
    let mut next = 0; // index into `bench` and `traction_pct`
    while let Some(item) = walk.fetch_next() {
        let Ok((firm, profile, mut treasury, mut debts, mut equity, compute, wf, cap, sales)) = item else {
            continue;
        };
        let k = next;
        next += 1;
        let pre = valuation(
            sales.revenue_musd,
            wf.total() as f64,
            compute.book_musd,
            cap.benchmark - median,
            stats.climate,
            &w.finance,
        );
        // every firm is marked to the model each month; a round replaces
        // the mark with its post-money
        equity.valuation_musd = pre;
        if profile.tier == Tier::Giant {
            continue;
        }
        let short = treasury.runway_months() < f.pitch_runway_months;
        let loan_pitch = !debts.loans.is_empty() && equity.last_round_tick.is_none_or(|t| tick >= t + 6);
        if !(short || loan_pitch) || n_inv == 0 {
            continue;
        }
        let name = &roster.firm_names[firm.id as usize];
        let mut funded_at = None;
        for _ in 0..f.investors_per_pitch {
            let i = rng.random_range(0..n_inv);
            let inv = &mut investors[i];
            if inv.kind == InvestorKind::Lender {
                continue; // lenders finance chips, not equity
            }
            let score = pitch_score(bench[k], frontier, traction_pct[k], inv.leaderboard_trust);
            let eps = noise.as_ref().map(|d| d.sample(rng)).unwrap_or(0.0);
            let bar = (1.0 - inv.risk_appetite * stats.climate).clamp(0.0, 1.0);
            if score + eps < bar {
                continue;
            }
            let amount = round_size(pre, f.dilution).min(inv.check_max_musd).min(inv.dry_powder_musd);
            if amount < inv.check_min_musd || amount <= 0.0 {
                continue;
            }
            let post = pre + amount;
            inv.dry_powder_musd -= amount;
            treasury.cash_musd += amount;
            equity.valuation_musd = post;
            equity.last_round_tick = Some(tick);
            stats.vc_funding_musd += amount;
            out.event(
                tick,
                &roster.investor_names[i],
                name,
                0,
                amount,
                Payload::FundingRound { post_money_musd: post },
            );
            funded_at = Some(post);
            break;
        }
        let Some(post) = funded_at else { continue };
        if post < f.loan_repay_valuation_musd || debts.loans.is_empty() {
            continue;
        }
        let loans = std::mem::take(&mut debts.loans);
        for loan in loans {
            if treasury.cash_musd < loan.principal_musd {
                debts.loans.push(loan);
                continue;
            }
            treasury.cash_musd -= loan.principal_musd;
            investors[loan.lender].dry_powder_musd += loan.principal_musd;
            out.event(
                tick,
                name,
                &roster.investor_names[loan.lender],
                0,
                loan.principal_musd,
                Payload::LoanRepaid { when: Repayment::AfterRound { post_money_musd: post } },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pitch_score_weights_standing_and_traction() {
        // half the frontier's score, median traction, trust 0.5 → 0.25 + 0.25
        assert!((super::pitch_score(3.0, 6.0, 0.5, 0.5) - 0.5).abs() < 1e-12);
        assert!((super::pitch_score(6.0, 6.0, 0.0, 1.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn percentiles_rank() {
        assert_eq!(super::percentiles(&[3.0, 1.0, 2.0]), vec![1.0, 0.0, 0.5]);
    }
}
