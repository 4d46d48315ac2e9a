package track

// PeriodName is periodName for the tests.
var PeriodName = periodName
