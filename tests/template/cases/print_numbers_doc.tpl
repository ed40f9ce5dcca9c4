{% set s = results.results[2].scan %}
{% if s is mapping %}
big={{ s.big }} bigger={{ s.bigger }} negative={{ s.negative }} zero={{ s.zero }} third={{ s.third }}
{% endif %}
size={{ results.results[0].size|default('?') }}
