plugins:
{%- for r in results.results %}
    {{ r.plugin }}
{%- endfor %}
end
a   {%- if true -%}   b   {%- endif -%}   c
