{% macro twice() %}{{ caller() }}|{{ caller()|upper }}{% endmacro %}
{% call twice() %}tlp={{ results.tlp }}{% endcall %}

