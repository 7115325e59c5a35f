"""JSON Schemas shipped with pkginspect, one per JSON output."""
