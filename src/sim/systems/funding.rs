//! Step 8 of the month: funding on fundamentals (docs/model-v2.md §6).
//! Investors receive new capital; every firm is valued on its revenue, its
//! growth and its capability gap to the frontier (a base model below the
//! open-weight floor is worth nothing as a model); start-ups short of
//! runway (or carrying chip-backed loans) pitch — first to the investor
//! that led their last round (follow-on), then to investors drawn at
//! random; investors score a pitch on the lab's standing, its traction and
//! its share of last year's venture money (herding toward leaders), and
//! the giants' strategic funds back only the leading start-ups. A lab that
//! fails to raise with little runway left cuts costs. A round valuing a
//! firm at or above the world's bar repays its chip-backed loans.
//! Labs funded by a parent (a non-giant with a core cash flow, such as
//! DeepSeek) never pitch.

use super::params::{Bookkeeping, Context};
use crate::sim::components::*;
use crate::sim::econ::valuation::{Fundamentals, ValuationTerms, valuation};
use crate::sim::formulas::round_size;
use crate::sim::output::{Payload, Repayment};
use crate::sim::resources::*;
use crate::world::{InvestorKind, Tier};
use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::{Distribution, Normal};

/// An investor's score of a pitch:
/// `score = τ · standing + (1 − τ) · traction + h · funding_share`, with
/// standing = `exp(−θ_v · gap)` (0 below the open-weight floor), traction =
/// `r / (r + r_ref)` (0 without revenue; r_ref the median revenue of labs
/// that have some) and funding_share the lab's share of the venture money
/// start-ups raised over the last year.
pub fn pitch_score(standing: f64, traction: f64, funding_share: f64, trust: f64, herd_weight: f64) -> f64 {
    trust * standing + (1.0 - trust) * traction + herd_weight * funding_share
}

/// What investors look at in a firm, and what a round changes.
type Pitch<'a> =
    (&'a Firm, &'a Profile, &'a mut Treasury, &'a mut Debts, &'a mut Equity, &'a Capability, &'a Sales);

/// One lab's figures for the month, in id order.
struct Standing {
    standing: f64,
    traction: f64,
    funding_share: f64,
    leader: bool,
    valuation: f64,
}

/// Investors receive new capital; every active firm is valued and, in id
/// order, start-ups short of runway (or carrying chip-backed loans) pitch.
pub fn raise_funding(
    ctx: Context,
    bk: Bookkeeping,
    mut rng: ResMut<SimRng>,
    mut investors: ResMut<Investors>,
    open: Res<OpenFloor>,
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
    let terms = ValuationTerms {
        revenue_multiple: w.finance.revenue_multiple,
        growth_years: f.growth_years,
        frontier_option_musd: f.frontier_option_musd,
        option_decay: f.option_decay,
    };

    // the cross-section
    let mut frontier: f64 = 0.0;
    let mut revenues = Vec::new();
    let mut raised_total = 0.0;
    let mut startup_caps = Vec::new();
    for (_, profile, _, _, equity, cap, sales) in firms.iter_many(&active.0).flatten() {
        frontier = frontier.max(cap.value);
        if sales.revenue_musd > 0.0 {
            revenues.push(sales.revenue_musd);
        }
        if profile.tier != Tier::Giant {
            raised_total += equity.raised_last_year();
            startup_caps.push(cap.value);
        }
    }
    revenues.sort_by(|a, b| a.total_cmp(b));
    let revenue_ref = revenues.get(revenues.len() / 2).copied().unwrap_or(0.0);
    startup_caps.sort_by(|a, b| b.total_cmp(a));
    let leader_bar = startup_caps
        .get((f.strategic_top_k as usize).saturating_sub(1).min(startup_caps.len().saturating_sub(1)))
        .copied()
        .unwrap_or(f64::INFINITY);
    let mut sorted_bench: Vec<f64> = firms.iter_many(&active.0).flatten().map(|x| x.5.benchmark).collect();
    sorted_bench.sort_by(|a, b| a.total_cmp(b));
    stats.median_benchmark = sorted_bench.get(sorted_bench.len() / 2).copied().unwrap_or(0.0);
    let figures: Vec<Standing> = firms
        .iter_many(&active.0)
        .flatten()
        .map(|(_, profile, treasury, debts, equity, cap, sales)| {
            let above = cap.value > open.floor;
            let gap = (frontier - cap.value).max(0.0);
            let fundamentals = Fundamentals {
                revenue_month_musd: sales.revenue_musd,
                growth_yearly: sales.growth_yearly(),
                gap_to_frontier: gap,
                above_open_floor: above,
                net_cash_musd: treasury.cash_musd - debts.debt_musd(),
            };
            Standing {
                standing: if above { (-f.option_decay * gap).exp() } else { 0.0 },
                traction: if sales.revenue_musd > 0.0 && revenue_ref > 0.0 {
                    sales.revenue_musd / (sales.revenue_musd + revenue_ref)
                } else {
                    0.0
                },
                funding_share: if raised_total > 0.0 {
                    equity.raised_last_year() / raised_total
                } else {
                    0.0
                },
                leader: profile.tier != Tier::Giant && cap.value >= leader_bar,
                valuation: valuation(&fundamentals, &terms, stats.climate),
            }
        })
        .collect();

    let noise = Normal::new(0.0, f.judgement_noise.max(0.0)).ok();
    let n_inv = investors.len();
    // equity investors by largest cheque (ties by index), once a month: the
    // ones a pitch can go to are a suffix (stage matching below); the
    // giants' strategic funds only for the leaders
    let mut by_check: Vec<usize> =
        (0..n_inv).filter(|&i| investors[i].kind != InvestorKind::Lender).collect();
    by_check.sort_by(|&a, &b| {
        investors[a].check_max_musd.total_cmp(&investors[b].check_max_musd).then(a.cmp(&b))
    });
    let not_strategic: Vec<usize> =
        by_check.iter().copied().filter(|&i| investors[i].kind != InvestorKind::Strategic).collect();
    let mut walk = firms.iter_many_mut(&active.0);
    let mut k = 0;
    while let Some(item) = walk.fetch_next() {
        let Ok((firm, profile, mut treasury, mut debts, mut equity, ..)) = item else { continue };
        let me = &figures[k];
        k += 1;
        equity.valuation_musd = me.valuation;
        equity.raised.rotate_left(1);
        equity.raised[11] = 0.0;
        let parent_funded = profile.tier != Tier::Giant && profile.core_cash_flow_musd > 0.0;
        if profile.tier == Tier::Giant || parent_funded {
            continue;
        }
        let short = treasury.runway_months() < f.pitch_runway_months;
        let loan_pitch = !debts.loans.is_empty() && equity.last_round_tick.is_none_or(|t| tick >= t + 6);
        if !(short || loan_pitch) || n_inv == 0 {
            continue;
        }
        let name = &roster.firm_names[firm.id as usize];
        let pre = me.valuation;
        let mut funded_at = None;
        // stage matching: the investors whose largest cheque covers enough
        // of the round it seeks (angels do not lead growth rounds), or all
        // of them when none does
        let want = round_size(pre, f.dilution);
        let open_to = if me.leader { &by_check } else { &not_strategic };
        let pool =
            &open_to[open_to.partition_point(|&i| investors[i].check_max_musd < f.min_check_share * want)..];
        // the lead of its last round first (follow-on), then random draws
        let meetings: Vec<usize> = equity
            .lead
            .into_iter()
            .chain((0..f.investors_per_pitch).map(|_| {
                if pool.is_empty() {
                    rng.random_range(0..n_inv)
                } else {
                    pool[rng.random_range(0..pool.len())]
                }
            }))
            .collect();
        for i in meetings {
            let inv = &mut investors[i];
            if inv.kind == InvestorKind::Lender {
                continue; // lenders finance chips, not equity
            }
            if inv.kind == InvestorKind::Strategic && !me.leader {
                continue; // the giants' funds back the leading start-ups only
            }
            let score =
                pitch_score(me.standing, me.traction, me.funding_share, inv.leaderboard_trust, f.herd_weight);
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
            equity.sell(i, amount / post);
            equity.raised[11] += amount;
            equity.lead = Some(i);
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
        let Some(post) = funded_at else {
            // a missed round with little runway left: cut costs
            if treasury.runway_months() < f.cut_runway_months {
                treasury.cost_cut = true;
            }
            continue;
        };
        treasury.cost_cut = false;
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

/// Pay exit proceeds to a firm's investors: each modelled investor gets its
/// stake of `proceeds` and puts `recycle` of it back into dry powder; what
/// stays in the model is returned (the rest leaves to founders and limited
/// partners).
pub fn pay_investors(equity: &Equity, proceeds: f64, recycle: f64, investors: &mut Investors) -> f64 {
    if proceeds <= 0.0 {
        return 0.0;
    }
    let mut kept = 0.0;
    for &(i, stake) in &equity.stakes {
        let back = proceeds * stake * recycle.clamp(0.0, 1.0);
        investors[i].dry_powder_musd += back;
        kept += back;
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pitch_score_weights_standing_traction_and_herding() {
        assert!((pitch_score(1.0, 0.5, 0.0, 0.5, 0.3) - 0.75).abs() < 1e-12);
        assert!((pitch_score(0.0, 0.0, 0.5, 0.5, 0.4) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn rounds_dilute_earlier_stakes() {
        let mut e = Equity::default();
        e.sell(0, 0.2);
        e.sell(1, 0.25);
        assert!((e.stakes[0].1 - 0.15).abs() < 1e-12);
        assert!((e.stakes[1].1 - 0.25).abs() < 1e-12);
        e.sell(0, 0.1);
        assert!((e.stakes[0].1 - (0.135 + 0.1)).abs() < 1e-12);
    }
}
