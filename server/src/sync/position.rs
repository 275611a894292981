//! Feed positions as devices see them. The central office reads the global feed, in its
//! positions. A field device reads its team's feed, numbered in the team's own sequence
//! (see `Store::team_feed_after`): its cursor and the feed's head move with its team's
//! writes only, so no position tells a team how much, or when, other teams write.
//!
//! A team position travels tagged — bit 62, a 20-bit hash of the team's slug, the
//! position in the low 40 bits — so a cursor from another space (a device that pulled
//! the global feed before team feeds existed, or whose account moved to another team
//! or role) is recognised and the device starts again from 0: it is sent every document
//! whole once, and merges them. 0 is the start in every space.

use sha2::{Digest, Sha256};
use strada_shared::domain::Role;
use strada_shared::ids::TeamId;

use crate::auth::AuthUser;

const TAG: u64 = 1 << 62;
const POSITION_BITS: u32 = 40;
const POSITION: u64 = (1 << POSITION_BITS) - 1;

/// The feed a user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed<'a> {
    Global,
    Team(&'a TeamId),
}

impl<'a> Feed<'a> {
    pub fn of(user: &'a AuthUser) -> Feed<'a> {
        Feed::of_role(user.role, &user.team)
    }

    /// The feed a user of `role` in `team` reads: the global one for the central
    /// office, in every role; the team's own otherwise.
    pub fn of_role(role: Role, team: &'a TeamId) -> Feed<'a> {
        if role.is_central() {
            Feed::Global
        } else {
            Feed::Team(team)
        }
    }

    /// A position of this feed as the device receives it.
    pub fn to_device(self, position: u64) -> u64 {
        match self {
            Feed::Global => position,
            Feed::Team(_) if position == 0 => 0,
            Feed::Team(team) => tag(team) | (position & POSITION),
        }
    }

    /// A position a device sent, in this feed; 0 (start again) when it belongs to
    /// another feed.
    pub fn from_device(self, cursor: u64) -> u64 {
        match self {
            Feed::Global if cursor & TAG != 0 => 0,
            Feed::Global => cursor,
            Feed::Team(team) if cursor & !POSITION == tag(team) => cursor & POSITION,
            Feed::Team(_) => 0,
        }
    }
}

/// Bit 62 and 20 bits of the team slug's hash, above the position.
fn tag(team: &TeamId) -> u64 {
    let h = Sha256::digest(team.as_str().as_bytes());
    let bits = u64::from(u32::from_be_bytes([0, h[0], h[1], h[2]]) >> 4);
    TAG | (bits << POSITION_BITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_comes_back_only_in_the_feed_it_was_given_in() {
        let (a, b) = (
            TeamId::parse("bergamo-1").unwrap(),
            TeamId::parse("cremona-2").unwrap(),
        );
        let (fa, fb) = (Feed::Team(&a), Feed::Team(&b));
        for p in [1, 7, 123_456, POSITION] {
            assert_eq!(fa.from_device(fa.to_device(p)), p);
            assert_eq!(fb.from_device(fa.to_device(p)), 0, "another team's");
            assert_eq!(Feed::Global.from_device(fa.to_device(p)), 0);
            assert_eq!(fa.from_device(Feed::Global.to_device(p)), 0, "a global one");
            assert_eq!(Feed::Global.from_device(p), p);
        }
        assert_eq!(fa.to_device(0), 0);
        assert_eq!(fa.from_device(0), 0);
        // Ordered like the positions they stand for, for the progress a device shows.
        assert!(fa.to_device(5) < fa.to_device(6));
    }
}
