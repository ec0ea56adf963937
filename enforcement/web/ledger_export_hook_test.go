package web

// SetLedgerExportMax lowers the bound of one export for a test of the
// refusal, and returns the function that restores it. Call it from a test
// that is not parallel: the bound is the package's.
func SetLedgerExportMax(n int) (restore func()) {
	old := ledgerExportMax
	ledgerExportMax = n
	return func() { ledgerExportMax = old }
}
