list(APPEND FL_SOURCES engine/extract/extract.c engine/extract/bytemask.c
     engine/extract/runs.c engine/extract/ascii.c)
list(APPEND FL_SOURCES engine/extract/date.c)
list(APPEND FL_SOURCES engine/extract/gazetteer.c engine/extract/names.c engine/extract/quote.c)
list(APPEND FL_SOURCES engine/extract/number.c engine/extract/currency.c)
