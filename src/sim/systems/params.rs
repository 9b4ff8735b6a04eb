//! `SystemParam` bundles: the groups of resources that several systems take
//! together, so a system's signature stays a short, readable contract. Only
//! groupings live here; no system logic.

use crate::sim::output::Name;
use crate::sim::resources::*;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

/// What every system may read: the month, the world's parameters, the
/// names of everyone in the run and the order of the active firms.
#[derive(SystemParam)]
pub struct Context<'w> {
    pub clock: Res<'w, Clock>,
    pub params: Res<'w, Params>,
    pub roster: Res<'w, Roster>,
    pub active: Res<'w, ActiveFirms>,
}

/// What a system that moves money writes down: the conservation books, the
/// month's scratch figures and the run's record.
#[derive(SystemParam)]
pub struct Bookkeeping<'w> {
    pub books: ResMut<'w, Books>,
    pub stats: ResMut<'w, MonthStats>,
    pub out: ResMut<'w, Output>,
}

/// The agents that are not firms, read-only: chip suppliers, talent pools
/// and investors.
#[derive(SystemParam)]
pub struct Agents<'w> {
    pub suppliers: Res<'w, Suppliers>,
    pub pools: Res<'w, Pools>,
    pub investors: Res<'w, Investors>,
}

/// Where a departing firm's people and money go: the talent pools (its
/// researchers) and the investors (its lenders).
#[derive(SystemParam)]
pub struct Counterparties<'w> {
    pub pools: ResMut<'w, Pools>,
    pub investors: ResMut<'w, Investors>,
}

/// Who and what a cancelled order concerns, and when (for its event).
pub struct Refund<'a> {
    pub tick: u32,
    pub firm: &'a Name,
    pub chip: &'a Name,
}

/// The model market's state carried between months, read-only: the token
/// market's last prices and volumes and the open-weight floor.
#[derive(SystemParam)]
pub struct MarketState<'w> {
    pub market: Res<'w, TokenMarket>,
    pub open: Res<'w, OpenFloor>,
}

/// The month's tallies, read-only: the scratch figures and the books.
#[derive(SystemParam)]
pub struct Tallies<'w> {
    pub stats: Res<'w, MonthStats>,
    pub books: Res<'w, Books>,
}
