"""What a release holds: tidy CSVs with CSVW metadata (:mod:`.csvw`, laid out by :mod:`.grid`),
accessible spreadsheets (:mod:`.spreadsheets`), charts (:mod:`.charts`) and the HTML page
(:mod:`.page`), with the package's templates and assets (:mod:`.assets`)."""
