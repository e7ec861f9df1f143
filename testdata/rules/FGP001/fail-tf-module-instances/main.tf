# One service module instantiated per environment; the module's task definition sets no
# execution role: one finding listing the three instances, not three copies.
provider "aws" {
  region = "eu-west-1"
}

module "service" {
  source      = "./modules/service"
  for_each    = toset(["dev", "staging", "prod"])
  environment = each.key
}
