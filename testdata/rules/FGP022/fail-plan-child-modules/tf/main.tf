provider "aws" {
  region = "eu-west-1"
}

module "network" {
  source        = "./modules/network"
  vpc_cidr      = "10.0.0.0/16"
  private_cidrs = ["10.0.1.0/24", "10.0.2.0/24"]
}

module "ecs" {
  source     = "./modules/ecs"
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids
}
