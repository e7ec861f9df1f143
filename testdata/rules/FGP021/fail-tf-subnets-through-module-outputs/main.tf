module "network" {
  source = "./modules/network"
}
module "iam" {
  source = "./modules/iam"
}
module "ecs" {
  source             = "./modules/ecs"
  subnets            = module.network.private_subnet_ids
  vpc_id             = module.network.vpc_id
  execution_role_arn = module.iam.execution_role_arn
}
