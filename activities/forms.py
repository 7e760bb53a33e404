from activities.models import Activity, Campaign, Honour
from activities.services import (
    ACTIVITY_FIELDS,
    CAMPAIGN_FIELDS,
    HONOUR_FIELDS,
    activity_validate,
    campaign_validate,
    honour_validate,
)
from orgunits.forms import ServiceValidatedForm


class ActivityForm(ServiceValidatedForm):
    class Meta:
        model = Activity
        fields = list(ACTIVITY_FIELDS)

    def service_validate(self):
        activity_validate(self.instance)


class HonourForm(ServiceValidatedForm):
    class Meta:
        model = Honour
        fields = list(HONOUR_FIELDS)

    def service_validate(self):
        honour_validate(self.instance)


class CampaignForm(ServiceValidatedForm):
    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_FIELDS)

    def service_validate(self):
        campaign_validate(self.instance)
