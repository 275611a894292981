//! CLDR plural rules (cardinal, whole numbers only: the app counts things) for the
//! catalogue's languages and the users' own. One function per language code: the
//! generated catalogue names `plural::<code>`, so a language without a rule here does not
//! compile. Rules from CLDR 46 (`plurals.xml`), restricted to integers (`v = 0`, `e = 0`).

/// A CLDR plural category: which form of a message a number takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

impl Category {
    /// The category's name in catalogue files (`[one]`).
    pub fn name(self) -> &'static str {
        match self {
            Category::Zero => "zero",
            Category::One => "one",
            Category::Two => "two",
            Category::Few => "few",
            Category::Many => "many",
            Category::Other => "other",
        }
    }
}

use Category::*;

/// Italian: one 1; many for whole millions (`un milione di …`); other.
pub fn it(n: u64) -> Category {
    match n {
        1 => One,
        n if n != 0 && n % 1_000_000 == 0 => Many,
        _ => Other,
    }
}

/// English: one 1; other.
pub fn en(n: u64) -> Category {
    if n == 1 { One } else { Other }
}

/// French: one 0 and 1; many for whole millions; other.
pub fn fr(n: u64) -> Category {
    match n {
        0 | 1 => One,
        n if n % 1_000_000 == 0 => Many,
        _ => Other,
    }
}

/// Romanian: one 1; few 0 and n % 100 in 1..=19 (2–19, 101–119 …); other.
pub fn ro(n: u64) -> Category {
    match n {
        1 => One,
        0 => Few,
        n if (1..=19).contains(&(n % 100)) => Few,
        _ => Other,
    }
}

/// Arabic: zero 0; one 1; two 2; few n % 100 in 3..=10; many n % 100 in 11..=99; other
/// (100–102, 200 …).
pub fn ar(n: u64) -> Category {
    match (n, n % 100) {
        (0, _) => Zero,
        (1, _) => One,
        (2, _) => Two,
        (_, 3..=10) => Few,
        (_, 11..=99) => Many,
        _ => Other,
    }
}

/// Urdu: one 1; other.
pub fn ur(n: u64) -> Category {
    en(n)
}

/// Punjabi: one 0 and 1; other.
pub fn pa(n: u64) -> Category {
    if n <= 1 { One } else { Other }
}

/// Bengali: one 0 and 1 (`i = 0 or n = 1`); other.
pub fn bn(n: u64) -> Category {
    pa(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(rule: fn(u64) -> Category, ns: &[u64]) -> Vec<&'static str> {
        ns.iter().map(|n| rule(*n).name()).collect()
    }

    // Sample integers of each category, as CLDR's plurals.xml lists them.
    #[test]
    fn rules_follow_cldr_samples() {
        assert_eq!(
            names(it, &[0, 1, 2, 16, 100, 1_000_000, 2_000_000]),
            ["other", "one", "other", "other", "other", "many", "many"]
        );
        assert_eq!(
            names(en, &[0, 1, 2, 21]),
            ["other", "one", "other", "other"]
        );
        assert_eq!(
            names(fr, &[0, 1, 2, 17, 1_000_000]),
            ["one", "one", "other", "other", "many"]
        );
        assert_eq!(
            names(ro, &[0, 1, 2, 16, 19, 20, 35, 100, 101, 119, 120, 1000]),
            [
                "few", "one", "few", "few", "few", "other", "other", "other", "few", "few",
                "other", "other"
            ]
        );
        assert_eq!(
            names(
                ar,
                &[0, 1, 2, 3, 10, 11, 26, 99, 100, 101, 102, 103, 111, 1000]
            ),
            [
                "zero", "one", "two", "few", "few", "many", "many", "many", "other", "other",
                "other", "few", "many", "other"
            ]
        );
        assert_eq!(names(ur, &[0, 1, 2]), ["other", "one", "other"]);
        assert_eq!(names(pa, &[0, 1, 2]), ["one", "one", "other"]);
        assert_eq!(names(bn, &[0, 1, 2]), ["one", "one", "other"]);
    }
}
