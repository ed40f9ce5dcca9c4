{% set xs = ['a', 'b', 'c', 'd', 'e'] %}
{{ xs[1 + 1] }} {{ xs[::-2] }} {{ xs[4:1:-1] }} {{ xs[10:] }} {{ xs[-10:2] }} [{{ xs[-6] }}] [{{ xs[1.0] }}] {{ xs[true] }}
{{ 'été日本'[1:] }} {{ 'été日本'[::-1] }} {{ 'été日本'[-1] }} {{ 'été日本'|length }} {{ ('a', 'b', 'c')[1:] }}
{% if results.results %}{{ results.results[0].uuid.0 }} [{{ results.plugins.0 }}] {{ results.plugins['0'] }}{% endif %}
