before
    {% raw %}
    {{ raw }}
    {% endraw %}
between   {%- raw -%}   [raw trimmed]   {%- endraw -%}   after
