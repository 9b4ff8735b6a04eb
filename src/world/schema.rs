//! The world file's schema: plain serde types, one per section of a RON world.
//!
//! Units are in the field names (`_musd` = USD millions, `_months`, `_pflops`
//! = PFLOP/s dense BF16, `_tflops` per chip, `_yearly` = rate per year).
//! Nothing here runs the model; `sim` reads these values once at start.

use super::month::Month;
use serde::{Deserialize, Serialize};

/// Most chip models a world may have (each firm keeps a count per model inline).
pub const MAX_CHIPS: usize = 16;
/// Most talent pools a world may have.
pub const MAX_POOLS: usize = 8;

/// A whole world: everything a run needs besides the seed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct World {
    /// Short name, used for the default output folder.
    pub name: String,
    /// One line saying what this world is (shown by `chipban worlds`).
    pub description: String,
    /// First simulated month.
    pub start: Month,
    /// Number of monthly ticks.
    pub months: u32,
    /// Default seed when `--seed` is not given.
    pub seed: u64,
    pub market: Market,
    pub pricing: Pricing,
    pub research: Research,
    pub talent: Talent,
    pub chips: Chips,
    pub policy: Policy,
    pub finance: Finance,
    pub funding: Funding,
    pub acquisitions: Acquisitions,
    pub exits: Exits,
    pub entry: Entry,
    pub consolidation: Consolidation,
    pub firms: Vec<FirmSpec>,
    #[serde(default)]
    pub cohorts: Vec<Cohort>,
    pub investors: Vec<InvestorSpec>,
    #[serde(default)]
    pub investor_cohorts: Vec<InvestorCohort>,
    #[serde(default)]
    pub record: RecordOptions,
}

/// The foundation-model market: API tokens and assistant use
/// (docs/model-v2.md §1). Volumes in trillions of tokens per month (T tok),
/// prices in USD per million tokens (USD/Mtok).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Token demand at the reference price and capability, T tok per month,
    /// as (month, value) points interpolated in logs (flat outside).
    pub adoption: Vec<(Month, f64)>,
    /// The price at which `adoption` is stated, USD/Mtok.
    pub reference_price_usd_mtok: f64,
    /// Aggregate price elasticity of token demand (η, > 0).
    pub price_elasticity: f64,
    /// Growth of demand per point of the market's capability (κ, per point).
    pub capability_demand: f64,
    /// The capability at which `adoption` is stated, points.
    pub reference_capability: f64,
    /// Weight of perceived quality in a customer's choice (θ, per point).
    pub capability_sensitivity: f64,
    /// Weight of log price in a customer's choice (α).
    pub price_sensitivity: f64,
    /// Non-price cost of using a model (integration, limits), USD/Mtok (> 0).
    pub usage_cost_usd_mtok: f64,
    /// Capability at which perceived quality saturates (S, points; 0 = no saturation).
    pub quality_saturation: f64,
    /// Switching inertia: weight on last month's share (λ, 0..1).
    pub inertia: f64,
    /// Weight of the benchmark score (vs true capability) in what customers
    /// see, 0..1.
    pub benchmark_weight: f64,
    /// Tokens one PFLOP/s serves in a month at reference efficiency, T tok.
    pub tokens_per_pflops_month_ttok: f64,
    /// Growth of serving efficiency (tokens per FLOP), fraction per year.
    pub efficiency_growth_yearly: f64,
    /// Most of its compute a lab devotes to serving, 0..1.
    pub max_serving_share: f64,
    /// Highest price over cost a lab asks (μ̄ ≥ 1).
    pub max_markup: f64,
}

/// How labs set token prices: the defend-and-match rule (docs/model-v2.md §2).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// Months over which a lab compares its share (1..12).
    pub window_months: u32,
    /// A rival at parity triggers a defence when its price is at most this
    /// fraction of the lab's, 0..1.
    pub trigger_ratio: f64,
    /// Perceived-quality gap within which a rival counts as comparable, points.
    pub parity_gap: f64,
    /// How far a fully aggressive defender undercuts the rival, fraction.
    pub undercut: f64,
    /// Share of core cash flow (or of a venture lab's monthly spendable cash)
    /// a lab may lose on tokens per month, 0..1.
    pub loss_budget_share: f64,
    /// Months without a challenge before a defender lets prices rise.
    pub truce_months: u32,
    /// Fraction of the gap to the static price closed per month when prices rise, 0..1.
    pub adjustment: f64,
    /// A month's cut of at least this fraction is a `price_cut` event, 0..1.
    pub cut_event_threshold: f64,
}

/// Capability growth from compute and talent.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Research {
    /// Months in which the compute needed for a given capability halves
    /// (algorithmic progress; 0 = none).
    pub algorithmic_halving_months: f64,
    /// Capability points per e-fold of the training stock (κ).
    pub points_per_efold: f64,
    /// Scale of the training stock (K₀), effective PFLOP/s-months.
    pub stock_scale_pflops_months: f64,
    /// Share of the training stock that becomes obsolete each month (δ), 0..1.
    pub obsolescence_monthly: f64,
    /// Strength of the penalty for too few researchers per PFLOP/s (φ ≥ 0).
    pub staffing_penalty: f64,
    /// Weight of data in effective training compute (ζ), 0..1.
    pub data_weight: f64,
    /// Data access a lab gains per unit of model-market share, 0..1.
    pub usage_data: f64,
    /// Best open-weight model from outside the modelled firms (Llama etc.),
    /// capability points by month, interpolated (flat outside).
    pub open_weights: Vec<(Month, f64)>,
    /// Months between a modelled open-weight lab's capability and its release.
    pub open_release_lag_months: u32,
    /// How far a lab's open release trails its best model, points (labs
    /// open smaller models than their flagship).
    pub open_release_gap: f64,
    /// Before `open_large_from`, labs open only small models (6-14B
    /// parameters against flagships of 100B+): their releases trail the
    /// flagship by this many points instead.
    pub open_small_release_gap: f64,
    /// First month in which labs open models near their flagship's size.
    pub open_large_from: Month,
    /// Growth of the compute firms aim to hold, fraction per month
    /// (continuous compounding: their target grows as e^(drift · t)).
    pub frontier_drift_monthly: f64,
    /// Monthly share of its gap to the domestic frontier a lab closes at
    /// full absorptive capacity (φ, diffusion of methods), 0..1.
    pub catch_up_monthly: f64,
    /// Compute at which a lab absorbs at half the full rate, as a share of
    /// the largest lab's compute (s), 0..1.
    pub absorption_half_share: f64,
}

/// Talent pools and the market for researchers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Talent {
    pub pools: Vec<TalentPool>,
    /// Fraction of each firm's researchers who look for another job each
    /// month at an average offer, 0..1 (weak payers' staff look more).
    pub churn_monthly: f64,
    /// Sensitivity of search and of where seekers go to the offer (k).
    pub wage_sensitivity: f64,
    /// Noise in how seekers see offers, standard deviation of a lognormal.
    pub offer_noise: f64,
    /// Efficiency of the matching function (μ): matches = μ · √(seekers · vacancies).
    pub matching_efficiency: f64,
    /// Vacancies per seeker at which wages hold still (θ*).
    pub normal_tightness: f64,
    /// Largest wage change in a month, fraction.
    pub max_wage_change_monthly: f64,
    /// Largest wage cut in a month, fraction (wages are sticky downward).
    pub max_wage_cut_monthly: f64,
    /// A firm lays staff off when their wage bill exceeds (1 + this) × what
    /// it can pay, fraction.
    pub layoff_slack: f64,
    /// The outside option: a pool's wage never falls below this share of its
    /// starting wage (what the same people earn outside LLM work), 0..1.
    pub outside_wage_share: f64,
    /// Record a `talent_move` event for a firm pair only when at least this
    /// many researchers moved in the month (researchers).
    pub event_min_moves: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TalentPool {
    pub name: String,
    /// Researchers in the pool (employed or free) at the start.
    pub size: u32,
    /// Growth of the pool, fraction per year (graduates, returnees).
    pub growth_yearly: f64,
    /// Going monthly wage at the start, USD millions per researcher-month.
    pub wage_musd_month: f64,
    /// Wage response to tightness (ε): the monthly wage change is
    /// ε · ln(θ / θ*), θ = vacancies per seeker.
    pub wage_elasticity: f64,
    /// Research weight of one researcher of this pool (engineer = 1).
    pub productivity: f64,
}

/// Chip suppliers and the rules of the chip market.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Chips {
    pub suppliers: Vec<Supplier>,
    /// How suppliers ration capacity when orders exceed it.
    pub allocation: Allocation,
    /// Price rise per unit of excess demand over capacity (fraction).
    pub price_elasticity: f64,
    /// Fraction of an excess price that relaxes back each month, 0..1.
    pub price_relaxation_monthly: f64,
    /// Chips are retired after this many months of service.
    pub lifetime_months: u32,
    /// Operating cost of compute (power, hosting), USD millions per PFLOP/s-month.
    pub opex_musd_per_pflops_month: f64,
    /// Fraction of book value recovered when chips are sold in an exit or
    /// seized by a lender, 0..1.
    pub resale_haircut: f64,
    pub grey_market: GreyMarket,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum Allocation {
    /// Each buyer gets the same fraction of its order.
    ProRata,
    /// Biggest orders are filled first.
    BigBuyersFirst,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    /// Chip model, e.g. "A800".
    pub name: String,
    pub vendor: String,
    pub domestic: bool,
    /// Dense BF16 TFLOPS per chip.
    pub tflops_bf16: f64,
    /// Total processing performance as defined by the 2023 rule (TPP).
    pub tpp: f64,
    /// List price, USD millions per unit.
    pub price_musd: f64,
    /// Units per month offered to this market at `available_from`.
    pub capacity_units_month: f64,
    /// Capacity growth, fraction per year (domestic ramp).
    pub capacity_growth_yearly: f64,
    /// First month the chip can be ordered.
    pub available_from: Month,
    /// Months from order to delivery.
    pub lead_time_months: u32,
    /// Software-ecosystem efficiency: share of peak FLOPs usable, 0..1.
    pub efficiency: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GreyMarket {
    pub enabled: bool,
    /// Price multiple over list for banned chips bought grey.
    pub premium: f64,
    /// Banned units the grey market can supply per month, over all chips.
    pub units_month: f64,
    /// Minimum firm risk appetite (0..1) to buy grey.
    pub min_risk: f64,
    /// Share of its monthly chip budget a firm with full risk appetite puts
    /// into grey purchases (scaled down linearly to 0 at `min_risk`), 0..1.
    pub max_budget_share: f64,
}

/// Export-control rules.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub rules: Vec<Rule>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub name: String,
    /// Month the rule is published.
    pub announced: Month,
    /// Month from which covered chips can no longer be delivered.
    pub effective: Month,
    /// Which chips the rule bans.
    pub covers: Vec<Coverage>,
    /// What happens to orders of covered chips not delivered by `effective`.
    pub undelivered: Undelivered,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum Coverage {
    /// A chip model by name.
    Chip(String),
    /// Every non-domestic chip with TPP at or above this value.
    TppAtLeast(f64),
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum Undelivered {
    /// Cancelled and refunded in full.
    CancelRefund,
}

/// Money flows that are not funding.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Finance {
    /// Fixed monthly overhead per active firm besides researchers, USD millions.
    pub overhead_musd_month: f64,
    /// Share of cash a firm is willing to spend on chips in a month, 0..1.
    pub capex_share_monthly: f64,
    /// Cash a firm keeps in reserve, in months of burn.
    pub reserve_months: f64,
    /// Compute a firm aims to hold per effective researcher at the start,
    /// PFLOP/s per researcher; grows with `research.frontier_drift_monthly`
    /// (the upfront investment needed to stay competitive).
    pub compute_per_researcher_pflops: f64,
    /// Growth of the compute one researcher can put to use, per month
    /// (continuous compounding: `r_t = r_0 · e^(g · t)`), ≥ 0.
    pub compute_per_researcher_growth_monthly: f64,
    /// How far ahead a firm with stockpile knob 1 buys while a known rule is
    /// pending, months of future compute needs.
    pub stockpile_horizon_months: f64,
    /// Revenue multiple used in valuations (valuation / annual revenue).
    pub revenue_multiple: f64,
}

/// Venture funding and chip-backed loans.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    /// A startup pitches when its runway falls below this, months.
    pub pitch_runway_months: f64,
    /// Funding climate over time (month, multiplier), piecewise linear.
    pub climate: Vec<(Month, f64)>,
    /// Share of post-money sold in a round, 0..1.
    pub dilution: f64,
    /// Stage matching: a lab pitches to investors whose largest cheque
    /// covers at least this share of the round it seeks, 0..1 (0: anyone).
    pub min_check_share: f64,
    /// How many investors a pitch reaches per month.
    pub investors_per_pitch: u32,
    /// Standard deviation of investor judgement noise (score units).
    pub judgement_noise: f64,
    /// Valuation a firm must reach in a round before chip-backed loans are
    /// repaid from it, USD millions (FT, Nov 2023: 01.AI past $1B).
    pub loan_repay_valuation_musd: f64,
    /// Years of revenue growth priced into a valuation.
    pub growth_years: f64,
    /// Value of being the frontier lab, USD millions (before the climate).
    pub frontier_option_musd: f64,
    /// How fast that value falls with the capability gap, per point.
    pub option_decay: f64,
    /// Weight of a lab's share of last year's venture money in investors'
    /// scores (herding toward leaders), score units.
    pub herd_weight: f64,
    /// Strategic investors (the giants' funds) back only the leading
    /// start-ups: those among this many best by capability.
    pub strategic_top_k: u32,
    /// A lab that fails to raise with less runway than this cuts costs
    /// (stops pre-training, freezes hiring), months.
    pub cut_runway_months: f64,
    /// Share of exit proceeds that investors put back into dry powder
    /// (the rest goes to their limited partners), 0..1.
    pub recycle_share: f64,
}

/// Distress, acquisition and exit.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Acquisitions {
    /// A firm is distressed when its runway falls below this, months.
    pub distress_runway_months: f64,
    /// How many of the richest acquirers bid for each distressed firm.
    pub bidders: u32,
    /// Deals one acquirer can close in a month (integration capacity).
    pub deals_per_bidder_month: u32,
    /// Premium over asset value a bidder pays at most, fraction.
    pub max_premium: f64,
    /// Antitrust review (2023 US merger guidelines) when `Some`.
    pub antitrust: Option<Antitrust>,
}

/// A lab's choice among continuing, pivoting, handing its team to a giant,
/// selling and closing (docs/model-v2.md §7).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exits {
    /// Noise in the choice: the scale of a Gumbel draw added to each
    /// option's value, as a fraction of the value of continuing.
    pub choice_noise: f64,
    /// Monthly revenue an application company earns per researcher it keeps, USD millions.
    pub app_revenue_musd_per_researcher: f64,
    /// Multiple of annual application revenue in a pivoted firm's value.
    pub app_revenue_multiple: f64,
    /// Share of its researchers a lab keeps when it pivots to applications, 0..1.
    pub app_staff_share: f64,
    /// What a giant pays for a team it takes over, months of the team's wages.
    pub acquihire_bonus_months: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Antitrust {
    /// Post-merger HHI above which a deal is presumed harmful (1800).
    pub hhi_threshold: f64,
    /// Increase in HHI above which a deal is presumed harmful (100).
    pub delta_threshold: f64,
}

/// Entry of new startups.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Expected new startups per month at climate 1 and the reference share
    /// of free talent.
    pub rate_month: f64,
    /// Share of all researchers not employed (0..1) at which entry runs at
    /// `rate_month`; entry scales linearly with the free share.
    pub reference_free_talent_share: f64,
    /// Template for a new entrant.
    pub template: Cohort,
}

/// The consolidation test (DESIGN §4).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Consolidation {
    /// HHI at or above which the market counts as concentrated (0..10,000).
    pub hhi_threshold: f64,
    /// Fall of independent firms from their peak, fraction 0..1.
    pub drop_from_peak: f64,
    /// Months both conditions must hold.
    pub hold_months: u32,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Giant,
    Startup,
    Small,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Giant => "giant",
            Tier::Startup => "startup",
            Tier::Small => "small",
        }
    }
}

/// Behaviour knobs of a firm, all 0..1.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    /// Extra buying of soon-banned chips while a known rule is pending.
    pub stockpile: f64,
    /// Appetite for risk (grey market, aggressive bids).
    pub risk: f64,
    /// Benchmark gaming: points added to the reported score per capability point.
    pub gaming: f64,
    /// Willingness to buy distressed rivals.
    pub acquisitiveness: f64,
    /// Willingness to defend token share with price cuts (0 = never follows).
    pub price_aggressiveness: f64,
}

/// One named firm.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FirmSpec {
    pub name: String,
    pub tier: Tier,
    /// Month the firm enters (before or at `start` = present from the start).
    pub founded: Month,
    pub cash_musd: f64,
    /// Cash flow from non-AI business, USD millions per month (giants).
    pub core_cash_flow_musd_month: f64,
    /// Researchers at entry, one count per talent pool, in pool order.
    pub researchers: Vec<u32>,
    /// Chips held at entry: (chip model, units).
    pub chips: Vec<(String, u32)>,
    /// True capability at entry, points.
    pub capability: f64,
    /// Share of the model market at entry, 0..1.
    pub share: f64,
    /// Tokens served per FLOP, as a multiple of the market's reference
    /// (model architecture: mixture-of-experts, distillation).
    pub serving_efficiency: f64,
    /// A documented change of architecture: from this month the firm
    /// serves at this efficiency instead (e.g. DeepSeek-V2's
    /// mixture-of-experts and latent attention, 2024-05); `None`: never.
    #[serde(default)]
    pub serving_upgrade: Option<(Month, f64)>,
    /// Effective training compute per FLOP, a multiple of the reference
    /// (the same architecture gains, in training).
    pub training_efficiency: f64,
    /// Data from its own platforms (search, short video, social,
    /// e-commerce), 0..1.
    pub platform_data: f64,
    /// First month it publishes its models' weights (raising the open-weight
    /// floor); `None` = keeps them closed.
    pub open_weights_from: Option<Month>,
    pub strategy: Strategy,
    /// Months before a rule's announcement the firm learns of it.
    pub foresight_months: u32,
    /// Finances chips with chip-backed loans when `Some`.
    pub chip_loans: Option<ChipLoanPlan>,
}

/// The 01.AI route: borrow against the chips being bought.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChipLoanPlan {
    /// Lender investor by name.
    pub lender: String,
    /// Most the firm will owe at once, USD millions.
    pub max_outstanding_musd: f64,
}

/// A distribution for a generated parameter.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum Dist {
    Fixed(f64),
    Uniform(f64, f64),
    /// Lognormal given by its median and the sigma of the log.
    LogNormal {
        median: f64,
        sigma: f64,
    },
}

/// A generated group of firms, drawn from distributions with the run's seed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Cohort {
    /// Firms are named `<prefix> <n>`.
    pub prefix: String,
    pub count: u32,
    pub tier: Tier,
    /// Founding months are drawn uniformly in [from, to].
    pub founded_from: Month,
    pub founded_to: Month,
    pub cash_musd: Dist,
    /// Researchers per pool.
    pub researchers: Vec<Dist>,
    /// Initial chips: (chip, units distribution).
    pub chips: Vec<(String, Dist)>,
    pub capability: Dist,
    pub stockpile: Dist,
    pub risk: Dist,
    pub gaming: Dist,
    pub acquisitiveness: Dist,
    pub price_aggressiveness: Dist,
    /// Serving efficiency, a multiple of the market's reference.
    pub serving_efficiency: Dist,
    /// Training efficiency, a multiple of the reference.
    pub training_efficiency: Dist,
    /// Data from own platforms, 0..1.
    pub platform_data: Dist,
    pub foresight_months: u32,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum InvestorKind {
    VentureFund,
    Strategic,
    StateFund,
    Lender,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InvestorSpec {
    pub name: String,
    pub kind: InvestorKind,
    /// Uncommitted capital at start, USD millions.
    pub dry_powder_musd: f64,
    /// New capital from limited partners, USD millions per month.
    pub inflow_musd_month: f64,
    /// Smallest and largest cheque, USD millions.
    pub check_min_musd: f64,
    pub check_max_musd: f64,
    /// Appetite for risk, 0..1: lowers the score a pitch needs.
    pub risk_appetite: f64,
    /// Weight on leaderboard rank vs traction, 0..1.
    pub leaderboard_trust: f64,
    /// Loan terms, for lenders.
    pub loan: Option<LoanTerms>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LoanTerms {
    /// Interest, fraction per year.
    pub rate_yearly: f64,
    /// Loan as a fraction of the chips' purchase price, 0..1.
    pub loan_to_value: f64,
    pub maturity_months: u32,
}

/// Generated investors.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InvestorCohort {
    pub prefix: String,
    pub count: u32,
    pub kind: InvestorKind,
    pub dry_powder_musd: Dist,
    pub inflow_musd_month: Dist,
    pub check_min_musd: f64,
    pub check_max_musd: f64,
    pub risk_appetite: Dist,
    pub leaderboard_trust: Dist,
}

/// What the run records besides the monthly metrics.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RecordOptions {
    /// Record the firm × month panel (firms.csv).
    pub firm_panel: bool,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions { firm_panel: true }
    }
}
