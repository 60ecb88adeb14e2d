"""Evidence: plain records extracted from fetched responses. No grading here."""
