//! Step 6 of the month: labs set their token prices (docs/model-v2.md §2).
//! Each lab's cost of serving a million tokens, its static logit markup,
//! and the defend-and-match rule: a lab losing share to a far cheaper
//! rival at parity undercuts it — down to free when a core business or a
//! parent pays for the losses — within a loss budget. Cuts are immediate;
//! rises are gradual once a defender has been left alone for a while.

use super::params::Context;
use crate::sim::components::*;
use crate::sim::econ::pricing::{
    Rival, cheapest_rival_at_parity, contested, defend_price, markup, move_price, own_price_elasticity,
    serving_cost, within_budget,
};
use crate::sim::econ::tokens::perceived_quality;
use crate::sim::output::Payload;
use crate::sim::resources::*;
use crate::world::Tier;
use bevy_ecs::prelude::*;

/// What the pricing rule reads of a lab.
type LabView<'a> =
    (&'a Firm, &'a Profile, &'a Compute, &'a Capability, &'a Sales, &'a Treasury, &'a Role, &'a mut Pricing);

/// One lab's figures this month, in id order (the rule's working values).
#[derive(Clone, Copy, Debug)]
pub struct Quote {
    pub cost: f64,
    pub harvest: f64,
    pub share_now: f64,
    pub share_then: f64,
    pub deep_pockets: bool,
    pub budget_musd: f64,
    pub aggressiveness: f64,
    pub volume_ttok: f64,
}

/// Cost of a PFLOP/s-month of a lab's fleet at today's chip prices, USD M:
/// `k = Σ_c n_c (P_c / L + opex · ppu_c) / Σ_c n_c ppu_c` — the rent a chip
/// earns over its life at its current market price (its opportunity cost),
/// plus power and operations. A lab without chips is priced at the
/// cheapest chip it could rent: the lowest such cost among chips on sale.
pub fn cost_per_pflops_month(
    units: &[u64],
    suppliers: &Suppliers,
    tick: u32,
    lifetime: f64,
    opex: f64,
) -> f64 {
    let ppu = suppliers.pflops_per_unit();
    let life = lifetime.max(1.0);
    let (mut num, mut den) = (0.0, 0.0);
    for (c, (n, s)) in units.iter().zip(suppliers.iter()).enumerate() {
        if *n > 0 {
            num += *n as f64 * (s.price_musd / life + opex * ppu[c]);
            den += *n as f64 * ppu[c];
        }
    }
    if den > 0.0 {
        return num / den;
    }
    let rent = |c: usize, s: &Supplier| (ppu[c] > 0.0).then(|| s.price_musd / life / ppu[c] + opex);
    let on_sale = suppliers
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.banned && s.available_tick <= tick as i32)
        .filter_map(|(c, s)| rent(c, s))
        .fold(f64::INFINITY, f64::min);
    if on_sale.is_finite() {
        on_sale
    } else {
        suppliers.iter().enumerate().filter_map(|(c, s)| rent(c, s)).fold(f64::INFINITY, f64::min)
    }
}

/// Set every lab's price for this month and log the cuts.
pub fn set_prices(
    ctx: Context,
    suppliers: Res<Suppliers>,
    mut out: ResMut<Output>,
    open: Res<OpenFloor>,
    mut firms: Query<LabView, With<Active>>,
    mut scratch: Local<(Vec<Quote>, Vec<Rival>)>,
) {
    let Context { clock, params, roster, active } = ctx;
    let w = &params.0;
    let (m, p) = (&w.market, &w.pricing);
    let tick = clock.tick;
    let efficiency_now = (1.0 + m.efficiency_growth_yearly).powf(clock.years());
    let window = p.window_months as usize;
    let (quotes, rivals) = &mut *scratch;
    quotes.clear();
    rivals.clear();
    for (_, profile, compute, cap, sales, treasury, _, pricing) in
        firms.iter_many(&active.0).flatten().filter(|f| *f.6 == Role::Lab)
    {
        let k = cost_per_pflops_month(
            &compute.units,
            &suppliers,
            tick,
            w.chips.lifetime_months as f64,
            w.chips.opex_musd_per_pflops_month,
        );
        let cost = serving_cost(
            k,
            m.tokens_per_pflops_month_ttok,
            profile.serving_efficiency_at(tick) * efficiency_now,
        );
        let mu =
            markup(own_price_elasticity(sales.share, m.price_sensitivity, m.price_elasticity), m.max_markup);
        let share_then = pricing.share_ago(window).unwrap_or(sales.share);
        let deep_pockets = profile.tier == Tier::Giant || profile.core_cash_flow_musd > 0.0;
        let budget_musd = p.loss_budget_share
            * if deep_pockets {
                profile.core_cash_flow_musd.max(0.0)
            } else {
                treasury.cash_musd.max(0.0) / w.finance.reserve_months.max(1.0)
            };
        quotes.push(Quote {
            cost,
            harvest: cost * mu,
            share_now: sales.share,
            share_then,
            deep_pockets,
            budget_musd,
            aggressiveness: profile.strategy.price_aggressiveness,
            volume_ttok: sales.volume_ttok,
        });
        let seen =
            ((1.0 - m.benchmark_weight) * cap.value + m.benchmark_weight * cap.benchmark).max(open.floor);
        rivals.push(Rival {
            perceived: perceived_quality(seen, m.quality_saturation),
            // a lab that has not priced yet enters at its static price
            price: pricing.price_usd_mtok.unwrap_or(cost * mu),
            gained: sales.share > share_then,
        });
    }
    let cheapest = cheapest_rival_at_parity(rivals, p.parity_gap);
    let ids: Vec<u32> =
        firms.iter_many(&active.0).flatten().filter(|f| *f.6 == Role::Lab).map(|f| f.0.id).collect();
    let mut walk = firms.iter_many_mut(&active.0);
    let mut k = 0;
    while let Some(item) = walk.fetch_next() {
        let Ok((firm, _, _, _, _, _, role, mut pricing)) = item else { continue };
        if *role != Role::Lab {
            continue;
        }
        let q = quotes[k];
        let old = rivals[k].price;
        let challenge = cheapest[k]
            .filter(|_| contested(q.share_now, q.share_then, old, cheapest[k].map(|c| c.0), p.trigger_ratio));
        let defending = challenge.is_some() && q.aggressiveness > 0.0;
        let target = match challenge {
            Some((rival_price, _)) if defending => {
                defend_price(rival_price, q.cost, q.aggressiveness, p.undercut, q.deep_pockets)
            }
            _ => q.harvest,
        };
        if defending {
            pricing.calm_months = 0;
            pricing.defending = true;
        } else {
            pricing.calm_months += 1;
            if pricing.calm_months >= p.truce_months {
                pricing.defending = false;
            }
        }
        let new = match pricing.price_usd_mtok {
            None => target,
            // a defender holds its price until the truce, unless it must cut further
            Some(_) if pricing.defending && !defending => old,
            Some(_) if pricing.defending => target.min(old),
            Some(_) => move_price(old, target, p.adjustment),
        };
        let new = within_budget(new, q.cost, q.volume_ttok, q.budget_musd);
        if pricing.price_usd_mtok.is_some() && new < (1.0 - p.cut_event_threshold) * old {
            let rival = challenge.map(|(_, j)| &roster.firm_names[ids[j] as usize]);
            let me = &roster.firm_names[firm.id as usize];
            out.event(
                tick,
                me,
                rival.unwrap_or(me),
                0,
                0.0,
                Payload::PriceCut { from_usd_mtok: old, to_usd_mtok: new, defending },
            );
        }
        pricing.price_usd_mtok = Some(new);
        pricing.cost_usd_mtok = q.cost;
        k += 1;
    }
}
