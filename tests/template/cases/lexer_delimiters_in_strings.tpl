{{ '}}' }} {{ "{{" }} {{ '%}' ~ '{%' }} {{ '#}' }}
{% set closer = '%}' %}{{ closer }}
{{x}}{%if true%}tight{%endif%}{{'a'}}
{% if
   results.payloads is defined
%}
multi-line tag
{% endif %}
