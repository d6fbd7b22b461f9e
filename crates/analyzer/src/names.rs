//! The analyzer's closed sets of names are declared with the domain's macro, so they parse,
//! print and serialize exactly like the domain's own: lowercase names, case-insensitive
//! parsing, and a [`ParseNameError`](tally_domain::ParseNameError) listing every valid value.

pub(crate) use tally_domain::name_enum as named_enum;
