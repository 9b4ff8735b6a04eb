//! Model v2's economics as named pure functions (docs/model-v2.md): the
//! foundation-model market ([`tokens`]), labs' pricing ([`pricing`]), the
//! labour market ([`labour`]), capability from compute ([`scaling`]) and
//! valuations and exit choices ([`valuation`]).
//!
//! Every function states its equation and units; the systems call these and
//! nothing here touches the ECS, the RNG or files. Work over all labs is
//! O(n log n) at most (no pairwise loops), so a monthly system stays
//! linear-ish in the number of firms.

pub mod labour;
pub mod pricing;
pub mod scaling;
pub mod tokens;
pub mod valuation;
