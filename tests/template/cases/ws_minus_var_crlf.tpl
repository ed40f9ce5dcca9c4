{{ results.payloads -}}
   next
{%- if true %}
x
{% endif -%}

end
