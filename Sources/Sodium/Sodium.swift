// Sodium module
