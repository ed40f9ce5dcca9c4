A
{%- for r in results.results -%}
  ,{{ r.payload_id }}
{%- endfor -%}
;
B {{- ' x ' -}} C
{#- trimmed #}
D
