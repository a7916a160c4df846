SELECT @extschema@._define_setting(
    'aggressiveness', 'core', 'text', 'moderate', 'moderate', 'moderate',
    'how boldly wedopt acts: picks which default column applies to every other setting',
    NULL, '{conservative,moderate,aggressive}'
);
