"""Models on real data (Berka accounts, public exports) beside their strongest peers."""
