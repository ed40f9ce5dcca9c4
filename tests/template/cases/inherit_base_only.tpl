{% extends "_partials/layout_base.tpl" %}
