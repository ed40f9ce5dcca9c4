{% set leaked = 'from case' %}
{% include '_partials/sets_value.tpl' %}
case sees leaked={{ leaked }}
