"""The Textual coding screen over `CodingSession`; imported only by `remedycoder code`."""
