//! The field merge behind every form's second save: when a save is refused
//! because a colleague changed the record meanwhile, each field is looked at
//! three ways — as the form opened with it (original), as the colleague left
//! it (theirs) and as this operator has it (mine):
//!
//! - mine is as it opened: theirs stands (a field I did not touch is never written);
//! - theirs is as it opened: mine is applied;
//! - both made the same change: theirs stands, there is nothing left to write;
//! - both changed it, differently: a clash, which the operator settles
//!   (keep theirs or keep mine) before anything is written.
//!
//! Generic over what names a field and what a value is, so every form (and
//! a record like a hit, whose one field is its decision) merges the same way.

/// What a field takes after the merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Take<V> {
    /// The colleague's value (or nobody changed it).
    Theirs,
    /// This operator's value.
    Mine,
    /// Both changed it differently: the operator chooses.
    Clash { theirs: V, mine: V },
}

/// Which of two clashing values the operator keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Theirs,
    Mine,
}

/// One field's merge.
pub fn take<V: PartialEq + Clone>(original: &V, theirs: &V, mine: &V) -> Take<V> {
    if mine == original || mine == theirs {
        Take::Theirs
    } else if theirs == original {
        Take::Mine
    } else {
        Take::Clash {
            theirs: theirs.clone(),
            mine: mine.clone(),
        }
    }
}

/// Every field of `mine`, in its order, with what it takes. A field the
/// original does not list counts as unchanged by the colleague; one the
/// fresh copy no longer has keeps mine (there is nothing of theirs to keep).
pub fn three_way<K: PartialEq + Clone, V: PartialEq + Clone>(
    original: &[(K, V)],
    theirs: &[(K, V)],
    mine: &[(K, V)],
) -> Vec<(K, Take<V>)> {
    let find = |list: &[(K, V)], k: &K| {
        list.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    mine.iter()
        .map(|(k, m)| {
            let taken = match find(theirs, k) {
                None => Take::Mine,
                Some(t) => take(&find(original, k).unwrap_or_else(|| t.clone()), &t, m),
            };
            (k.clone(), taken)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        v.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    #[test]
    fn a_field_only_one_side_changed_takes_that_side() {
        assert_eq!(take(&"P3", &"P1", &"P3"), Take::Theirs, "theirs alone");
        assert_eq!(take(&"P3", &"P3", &"P2"), Take::Mine, "mine alone");
        assert_eq!(take(&"P3", &"P3", &"P3"), Take::Theirs, "nobody");
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_clash_and_nothing_to_write() {
        assert_eq!(take(&"P3", &"P1", &"P1"), Take::Theirs);
    }

    #[test]
    fn different_changes_to_one_field_clash_with_both_values() {
        assert_eq!(
            take(&"P3", &"P1", &"P4"),
            Take::Clash {
                theirs: "P1",
                mine: "P4"
            }
        );
    }

    #[test]
    fn a_record_merges_field_by_field_in_the_forms_order() {
        let original = fields(&[("Priority", "P3"), ("Summary", "bag taken"), ("Ref", "")]);
        let theirs = fields(&[
            ("Priority", "P1"),
            ("Summary", "bag taken"),
            ("Ref", "CAD 7"),
        ]);
        let mine = fields(&[
            ("Priority", "P3"),
            ("Summary", "bag and purse"),
            ("Ref", "CAD 9"),
        ]);
        assert_eq!(
            three_way(&original, &theirs, &mine),
            vec![
                ("Priority", Take::Theirs),
                ("Summary", Take::Mine),
                (
                    "Ref",
                    Take::Clash {
                        theirs: "CAD 7".to_string(),
                        mine: "CAD 9".to_string()
                    }
                ),
            ]
        );
    }

    #[test]
    fn a_field_missing_from_one_copy_is_read_safely() {
        let mine = fields(&[("Notes", "spare battery")]);
        // the fresh copy no longer has it: mine is all there is
        assert_eq!(three_way(&mine, &[], &mine), vec![("Notes", Take::Mine)]);
        // the form did not have it when it opened: the colleague did not change it
        let theirs = fields(&[("Notes", "")]);
        assert_eq!(three_way(&[], &theirs, &mine), vec![("Notes", Take::Mine)]);
    }
}
