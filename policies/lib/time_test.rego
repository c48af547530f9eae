package custos.lib.time_test

import data.custos.lib.time

test_days_between if {
	time.days_between("2024-01-01T00:00:00Z", "2024-01-31T12:00:00Z") == 30.5
	time.whole_days(30.5) == 30
}
