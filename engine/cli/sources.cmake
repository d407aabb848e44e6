list(APPEND FL_SOURCES
  engine/cli/main.c engine/cli/options.c engine/cli/outputs.c engine/cli/pipeline.c engine/cli/cmd_check.c
  engine/cli/cmd_extract.c engine/cli/cmd_rules.c engine/cli/cmd_test.c
  engine/cli/mapreduce.c engine/cli/cmd_map.c engine/cli/cmd_reduce.c engine/cli/cmd_merge.c
  engine/lua/corpus_io.c)
