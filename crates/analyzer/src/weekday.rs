//! Days of the week, named the way results show them.

use chrono::Weekday;

use crate::names::named_enum;

named_enum!(
    /// A day of the week; weeks start on Monday.
    DayOfWeek, "weekday" {
        /// Monday.
        Monday => "monday" | "mon",
        /// Tuesday.
        Tuesday => "tuesday" | "tue",
        /// Wednesday.
        Wednesday => "wednesday" | "wed",
        /// Thursday.
        Thursday => "thursday" | "thu",
        /// Friday.
        Friday => "friday" | "fri",
        /// Saturday.
        Saturday => "saturday" | "sat",
        /// Sunday.
        Sunday => "sunday" | "sun",
    }
);

impl DayOfWeek {
    /// The position in the week: 0 for Monday to 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name with a capital, for labels ("Monday").
    pub fn label(self) -> &'static str {
        match self {
            DayOfWeek::Monday => "Monday",
            DayOfWeek::Tuesday => "Tuesday",
            DayOfWeek::Wednesday => "Wednesday",
            DayOfWeek::Thursday => "Thursday",
            DayOfWeek::Friday => "Friday",
            DayOfWeek::Saturday => "Saturday",
            DayOfWeek::Sunday => "Sunday",
        }
    }
}

impl From<Weekday> for DayOfWeek {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Mon => DayOfWeek::Monday,
            Weekday::Tue => DayOfWeek::Tuesday,
            Weekday::Wed => DayOfWeek::Wednesday,
            Weekday::Thu => DayOfWeek::Thursday,
            Weekday::Fri => DayOfWeek::Friday,
            Weekday::Sat => DayOfWeek::Saturday,
            Weekday::Sun => DayOfWeek::Sunday,
        }
    }
}

impl From<DayOfWeek> for Weekday {
    fn from(day: DayOfWeek) -> Self {
        match day {
            DayOfWeek::Monday => Weekday::Mon,
            DayOfWeek::Tuesday => Weekday::Tue,
            DayOfWeek::Wednesday => Weekday::Wed,
            DayOfWeek::Thursday => Weekday::Thu,
            DayOfWeek::Friday => Weekday::Fri,
            DayOfWeek::Saturday => Weekday::Sat,
            DayOfWeek::Sunday => Weekday::Sun,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_round_trip_through_chrono_and_names() {
        for day in DayOfWeek::ALL {
            assert_eq!(DayOfWeek::from(Weekday::from(*day)), *day);
            assert_eq!(day.as_str().parse::<DayOfWeek>().unwrap(), *day);
        }
        assert_eq!(DayOfWeek::Sunday.index(), 6);
        assert_eq!("Tue".parse::<DayOfWeek>().unwrap(), DayOfWeek::Tuesday);
    }
}
