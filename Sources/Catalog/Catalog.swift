// Catalog module
