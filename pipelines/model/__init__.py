"""Model: the warehouse's layers, built by the SQL files in warehouse/."""
