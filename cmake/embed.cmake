# midaz_embed_migrations(<symbol> <sql files> <output.c>)
# Generates a C file defining `const db_migration <symbol>[]` and `const size_t <symbol>_count`
# with each SQL file's name and text, sorted by file name (NNNN_name.sql).
function(midaz_embed_migrations symbol files output)
  list(SORT files)
  # A ';' inside COMMAND would split the list into separate arguments: pass it '|'-joined.
  string(REPLACE ";" "|" joined "${files}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DSYMBOL=${symbol} "-DFILES=${joined}" -DOUTPUT=${output}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding migrations ${symbol}"
    VERBATIM)
endfunction()
