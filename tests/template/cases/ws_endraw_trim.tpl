x
{% raw -%}
  raw body
{%- endraw %}
y
  {% raw %}{{ a }}{% endraw %}
z
