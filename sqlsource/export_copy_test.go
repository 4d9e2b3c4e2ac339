package sqlsource

// CopiedBatches counts the batches COPY wrote, for the external tests
// to tell COPY from the INSERTs.
var CopiedBatches = &copiedBatches
