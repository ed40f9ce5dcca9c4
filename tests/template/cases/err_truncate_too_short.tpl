{{ 'long enough text'|truncate(2) }}
